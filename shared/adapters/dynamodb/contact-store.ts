import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { backoffMs, batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  contactKey,
  DUE_SHARDS,
  dueIndexKey,
  parsePendingSortKey,
  pendingIndexKey,
  pendingIndexPk,
  phoneStatusKey,
} from '#shared/adapters/dynamodb/keys';
import type {
  ContactStore,
  IntakeTarget,
  PendingContact,
  PhoneStatus,
  WriteOutcome,
} from '#shared/ports/contact-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems takes at most 100 actions: 50 contacts, each a Put and a STATUS Update. */
export const CONTACTS_PER_TRANSACTION = 50;
export const BATCH_GET_KEYS = 100;
const RELEASES_PER_TRANSACTION = 100;
const MAX_ATTEMPTS = 12;

/** A transaction or batch kept failing for reasons that retrying did not cure. */
export class ContactWriteError extends Error {
  override readonly name = 'ContactWriteError';
}

export interface DynamoDbContactStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Transactions in flight at once. Default 4. */
  concurrency?: number;
  /** Waits between retries; tests pass a fake. Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Contacts and number claims in the main table (docs/data-model.md, patterns 7, 8, 8b). A contact is written with
 * its number's claim in one transaction, so a contact exists exactly when its campaign holds the number; the
 * conditions make every write idempotent, so a crash and a redelivery never write a contact twice.
 */
export class DynamoDbContactStore implements ContactStore {
  readonly statusBatchSize = BATCH_GET_KEYS;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #concurrency: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(config: DynamoDbContactStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#concurrency = config.concurrency ?? 4;
    this.#sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async readStatuses(phoneKeys: readonly string[]): Promise<Map<string, PhoneStatus>> {
    const items = await batchGetAll(
      this.#client,
      this.#table,
      phoneKeys.map((k) => phoneStatusKey(k)),
      {
        projection: 'pk, allocCampaignId, allocListId, allocUntil, dnc',
        maxTries: MAX_ATTEMPTS,
        sleep: this.#sleep,
        exhausted: () => new ContactWriteError('status reads stayed unprocessed after retries'),
      },
    );
    const answer = new Map<string, PhoneStatus>();
    for (const item of items) answer.set(String(item.pk).slice('PHONE#'.length), toPhoneStatus(item));
    return answer;
  }

  async writeContacts(target: IntakeTarget, contacts: readonly PendingContact[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = new Array(contacts.length);
    const chunks: number[][] = [];
    for (let i = 0; i < contacts.length; i += CONTACTS_PER_TRANSACTION) {
      chunks.push(range(i, Math.min(contacts.length, i + CONTACTS_PER_TRANSACTION)));
    }
    await inParallel(chunks, this.#concurrency, (chunk) => this.#writeChunk(target, contacts, chunk, outcomes));
    return outcomes;
  }

  async #writeChunk(
    target: IntakeTarget,
    contacts: readonly PendingContact[],
    indexes: number[],
    outcomes: WriteOutcome[],
  ): Promise<void> {
    let pending = indexes;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('contact transaction kept failing after retries');
      const batch = pending.map((i) => contacts[i] as PendingContact);
      try {
        await this.#client.send(
          new TransactWriteCommand({ TransactItems: batch.flatMap((c) => this.#contactActions(target, c)) }),
        );
        for (const i of pending) outcomes[i] = 'accepted';
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons) {
          const verdict = interpretCancellation(target, batch, reasons);
          const retry: number[] = [];
          verdict.outcomes.forEach((outcome, k) => {
            const index = pending[k] as number;
            if (outcome === 'retry') retry.push(index);
            else outcomes[index] = outcome;
          });
          // Rows that only failed because a neighbour did go again at once; contention needs a pause first.
          if (verdict.contention && retry.length > 0) await this.#sleep(backoffMs(attempt + 1));
          pending = retry;
          continue;
        }
        if (!isRetryable(error)) throw error;
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
  }

  #contactActions(target: IntakeTarget, c: PendingContact): TransactItem[] {
    const takeOver = c.takeOverFrom !== undefined;
    return [
      {
        Put: {
          TableName: this.#table,
          Item: {
            ...contactKey(target.campaignId, c.phoneKey),
            ...pendingIndexKey(
              target.campaignId,
              target.listId,
              c.shard,
              c.timeZone,
              c.priority,
              target.intakeAt,
              c.phoneKey,
            ),
            campaignId: target.campaignId,
            listId: target.listId,
            row: c.row,
            phoneKey: c.phoneKey,
            e164: c.e164,
            numberType: c.numberType,
            zone: c.timeZone,
            attributes: c.attributes,
            state: 'new',
            attempts: 0,
            createdAt: target.intakeAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: this.#table,
          Key: phoneStatusKey(c.phoneKey),
          UpdateExpression: 'SET allocCampaignId = :c, allocListId = :l, allocUntil = :until, allocAt = :now',
          ConditionExpression: `(attribute_not_exists(allocCampaignId) OR allocCampaignId = :c OR allocUntil < :now${
            takeOver ? ' OR allocCampaignId = :prev' : ''
          }) AND (attribute_not_exists(dnc) OR dnc.#until < :now)`,
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: {
            ':c': target.campaignId,
            ':l': target.listId,
            ':until': target.allocUntil,
            ':now': target.intakeAt,
            ...(takeOver ? { ':prev': c.takeOverFrom } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
  }

  async releaseList(target: IntakeTarget, shouldStop: () => boolean): Promise<{ released: number; drained: boolean }> {
    let released = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pendingPk = pendingIndexPk(target.campaignId, target.listId, shard);
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :p',
            ExpressionAttributeValues: { ':p': pendingPk },
            ExclusiveStartKey: startKey,
            Limit: 1000,
          }),
        );
        startKey = page.LastEvaluatedKey;
        const items = page.Items ?? [];
        const chunks: Record<string, unknown>[][] = [];
        for (let i = 0; i < items.length; i += RELEASES_PER_TRANSACTION) {
          chunks.push(items.slice(i, i + RELEASES_PER_TRANSACTION));
        }
        await inParallel(chunks, this.#concurrency, async (chunk) => {
          released += await this.#releaseChunk(target, shard, pendingPk, chunk);
        });
        // Checked only after real work, so every invocation moves some contacts and a resumed run gets further.
        if (items.length > 0 && shouldStop()) return { released, drained: false };
      } while (startKey);
    }
    return { released, drained: true };
  }

  async #releaseChunk(
    target: IntakeTarget,
    shard: number,
    pendingPk: string,
    items: Record<string, unknown>[],
  ): Promise<number> {
    let pending = items;
    const released = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('release transaction kept failing after retries');
      const actions: TransactItem[] = pending.map((item) => {
        const parsed = parsePendingSortKey(String(item.dueSk));
        if (!parsed) throw new ContactWriteError('a pending contact has a malformed sort key');
        const due = dueIndexKey(target.campaignId, parsed.zone, shard, parsed.priority, parsed.dueAt, parsed.phoneKey);
        return {
          Update: {
            TableName: this.#table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET duePk = :due, dueSk = :dueSk',
            ConditionExpression: 'duePk = :pending',
            ExpressionAttributeValues: { ':due': due.duePk, ':dueSk': due.dueSk, ':pending': pendingPk },
          },
        };
      });
      try {
        await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
        return released + pending.length;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons) {
          // Already moved (a duplicate run) or gone: nothing to do for those; the others go again.
          const retry = pending.filter((_, k) => reasons[k]?.Code !== 'ConditionalCheckFailed');
          if (retry.length === pending.length || reasons.some((r) => r.Code === 'TransactionConflict')) {
            await this.#sleep(backoffMs(attempt + 1));
          }
          pending = retry;
          continue;
        }
        if (!isRetryable(error)) throw error;
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
    return released;
  }

  async discardList(target: IntakeTarget): Promise<number> {
    let removed = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pendingPk = pendingIndexPk(target.campaignId, target.listId, shard);
      for (;;) {
        const page = await this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :p',
            ExpressionAttributeValues: { ':p': pendingPk },
            Limit: CONTACTS_PER_TRANSACTION,
          }),
        );
        const items = page.Items ?? [];
        if (items.length === 0) break;
        removed += await this.#discardChunk(target, pendingPk, items);
      }
    }
    return removed;
  }

  async #discardChunk(target: IntakeTarget, pendingPk: string, items: Record<string, unknown>[]): Promise<number> {
    // A STATUS whose claim another campaign has since taken over must not lose it: such rows go again without it.
    const keepStatus = new Set<number>();
    for (let attempt = 0; ; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('discard transaction kept failing after retries');
      const actions: TransactItem[] = [];
      const statusAction = new Map<number, number>();
      items.forEach((item, k) => {
        actions.push({
          Delete: {
            TableName: this.#table,
            Key: { pk: item.pk, sk: item.sk },
            ConditionExpression: 'attribute_not_exists(pk) OR duePk = :pending',
            ExpressionAttributeValues: { ':pending': pendingPk },
          },
        });
        if (keepStatus.has(k)) return;
        statusAction.set(k, actions.length);
        actions.push({
          Update: {
            TableName: this.#table,
            Key: { pk: item.pk, sk: 'STATUS' },
            UpdateExpression: 'REMOVE allocCampaignId, allocListId, allocUntil, allocAt',
            ConditionExpression: 'allocCampaignId = :c AND allocListId = :l',
            ExpressionAttributeValues: { ':c': target.campaignId, ':l': target.listId },
          },
        });
      });
      try {
        await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
        return items.length;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons && !isRetryable(error)) throw error;
        for (const [k, a] of statusAction) {
          if (reasons?.[a]?.Code === 'ConditionalCheckFailed') keepStatus.add(k);
        }
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
  }
}

/** What one cancelled contact transaction says about each of its contacts (in order), and whether to back off. */
export interface CancellationVerdict {
  outcomes: (WriteOutcome | 'retry')[];
  contention: boolean;
}

const RETRY_CODES = new Set(['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * Reads the cancellation reasons of a contact transaction (a Put and a STATUS Update per contact, in that order),
 * with the old items returned by `ReturnValuesOnConditionCheckFailure: ALL_OLD`:
 * - the contact exists: written by this list at this row (a run before a crash) → accepted; by this list at another
 *   row → an in-file duplicate the resumed run could not see; otherwise → already in the campaign;
 * - the STATUS refused: an active DNC entry → do_not_call; otherwise another campaign holds the number;
 * - nothing wrong with this contact (`None`) or contention → retry.
 * Any other code is a bug or a limit (validation, item size) and throws.
 */
export function interpretCancellation(
  target: Pick<IntakeTarget, 'listId' | 'intakeAt'>,
  contacts: readonly Pick<PendingContact, 'row'>[],
  reasons: readonly CancellationReason[],
): CancellationVerdict {
  let contention = false;
  const outcomes = contacts.map((contact, k): WriteOutcome | 'retry' => {
    const put = reasons[2 * k];
    const status = reasons[2 * k + 1];
    if (put?.Code === 'ConditionalCheckFailed') {
      const old = put.Item ? unmarshall(put.Item as Record<string, AttributeValue>) : {};
      if (old.listId === target.listId) return old.row === contact.row ? 'accepted' : 'duplicate_in_file';
      return 'duplicate_in_campaign';
    }
    if (status?.Code === 'ConditionalCheckFailed') {
      const old = status.Item ? toPhoneStatus(unmarshall(status.Item as Record<string, AttributeValue>)) : {};
      return dncActive(old, target.intakeAt) ? 'do_not_call' : 'allocated_elsewhere';
    }
    for (const r of [put, status]) {
      const code = r?.Code ?? 'None';
      if (!RETRY_CODES.has(code)) throw new ContactWriteError(`contact transaction cancelled: ${code}`);
      if (code !== 'None') contention = true;
    }
    return 'retry';
  });
  return { outcomes, contention };
}

/** An entry without `until` never expires; one with it stops counting once that instant has passed. */
export function dncActive(status: PhoneStatus, nowIso: string): boolean {
  if (!status.dnc) return false;
  return status.dnc.until === undefined || status.dnc.until >= nowIso;
}

function toPhoneStatus(item: Record<string, unknown>): PhoneStatus {
  const dnc = item.dnc as { source?: unknown; at?: unknown; until?: unknown } | undefined;
  return {
    allocCampaignId: typeof item.allocCampaignId === 'string' ? item.allocCampaignId : undefined,
    allocListId: typeof item.allocListId === 'string' ? item.allocListId : undefined,
    allocUntil: typeof item.allocUntil === 'string' ? item.allocUntil : undefined,
    dnc:
      dnc && typeof dnc === 'object'
        ? {
            source: String(dnc.source ?? ''),
            at: String(dnc.at ?? ''),
            until: typeof dnc.until === 'string' ? dnc.until : undefined,
          }
        : undefined,
  };
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  const e = error as { name?: string; CancellationReasons?: CancellationReason[] };
  return e.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
]);

function isRetryable(error: unknown): boolean {
  return RETRYABLE.has((error as { name?: string }).name ?? '');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}
