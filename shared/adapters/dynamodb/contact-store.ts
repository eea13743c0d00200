import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { backoffMs, batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  contactKey,
  DUE_SHARDS,
  dueIndexKey,
  dueShard,
  listClaimsKey,
  listClaimsPk,
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

export const BATCH_GET_KEYS = 100;
/** Numbers per claims item: ≈ 110 KB of keys, well under the 400 KB item limit. */
export const CLAIMS_PER_ITEM = 5000;
const MAX_ATTEMPTS = 12;

/** A write or batch kept failing for reasons that retrying did not cure. */
export class ContactWriteError extends Error {
  override readonly name = 'ContactWriteError';
}

export interface DynamoDbContactStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Contacts written, released or discarded at once (each a few single writes in a row). Default 32. */
  concurrency?: number;
  /** Waits between retries; tests pass a fake. Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
}

/** How a conditional write ended: applied, or refused with the item as it was (empty when there was none). */
type Conditional = { applied: true } | { applied: false; old: Record<string, unknown> };

/**
 * Contacts and number claims in the main table (docs/data-model.md, patterns 7, 8, 8b). Every write is a single
 * conditional write, ordered so that a crash between two of them leaves nothing a redelivery or a discard cannot
 * finish:
 * - before a batch claims anything, the numbers it is about to claim are recorded on a claims item of the list;
 * - a number is claimed first (STATUS, if unallocated, expired, taken over from a finished campaign or already this
 *   list's, and not DNC), then its contact is put if it does not exist. A crash between leaves a claim of this list
 *   that the redelivered run finds as its own and completes; no contact ever exists without its campaign's claim;
 * - the contact waits in the list's pending partition of the due index, which the dispatcher never reads, until the
 *   release moves it, only if it is still there, to the due partition;
 * - a failed list deletes its pending contacts and gives back the claims it made, found from its claims items.
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
    this.#concurrency = config.concurrency ?? 32;
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
    for (let i = 0; i < contacts.length; i += CLAIMS_PER_ITEM) {
      await this.#recordClaims(target, contacts.slice(i, i + CLAIMS_PER_ITEM));
    }
    const outcomes: WriteOutcome[] = new Array(contacts.length);
    await inParallel(range(0, contacts.length), this.#concurrency, async (i) => {
      outcomes[i] = await this.#writeContact(target, contacts[i] as PendingContact);
    });
    return outcomes;
  }

  /** ADD merges: a run after a crash that splits the rows differently adds to the record, never drops from it. */
  async #recordClaims(target: IntakeTarget, contacts: readonly PendingContact[]): Promise<void> {
    if (contacts.length === 0) return;
    const firstRow = contacts.reduce((min, c) => Math.min(min, c.row), Number.POSITIVE_INFINITY);
    await this.#retrying(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: listClaimsKey(target.campaignId, target.listId, firstRow),
          UpdateExpression: 'ADD phoneKeys :keys SET expiresAt = :exp',
          ExpressionAttributeValues: {
            ':keys': new Set(contacts.map((c) => c.phoneKey)),
            ':exp': Math.ceil(Date.parse(target.allocUntil) / 1000),
          },
        }),
      ),
    );
  }

  async #writeContact(target: IntakeTarget, c: PendingContact): Promise<WriteOutcome> {
    const claim = await this.#conditional(() => this.#client.send(this.#claimCommand(target, c)));
    if (!claim.applied) return claimRefusal(target, toPhoneStatus(claim.old));
    const put = await this.#conditional(() => this.#client.send(this.#putCommand(target, c)));
    return put.applied ? 'accepted' : existingContact(target, c.row, put.old);
  }

  /**
   * Another list of the same campaign holding the number is refused like another campaign: its contact exists, or
   * will once that list's run gets past a crash, so this row is the in-campaign duplicate.
   */
  #claimCommand(target: IntakeTarget, c: PendingContact): UpdateCommand {
    const takeOver = c.takeOverFrom !== undefined;
    return new UpdateCommand({
      TableName: this.#table,
      Key: phoneStatusKey(c.phoneKey),
      UpdateExpression: 'SET allocCampaignId = :c, allocListId = :l, allocUntil = :until, allocAt = :now',
      ConditionExpression: `(attribute_not_exists(allocCampaignId) OR allocUntil < :now OR (allocCampaignId = :c AND allocListId = :l)${
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
    });
  }

  #putCommand(target: IntakeTarget, c: PendingContact): PutCommand {
    return new PutCommand({
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
    });
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
        await inParallel(items, this.#concurrency, async (item) => {
          if (await this.#releaseOne(target, shard, pendingPk, item)) released++;
        });
        // Checked only after real work, so every invocation moves some contacts and a resumed run gets further.
        if (items.length > 0 && shouldStop()) return { released, drained: false };
      } while (startKey);
    }
    return { released, drained: true };
  }

  /** Moves one contact only if it is still in the pending partition: a duplicate run's second move is a no-op. */
  async #releaseOne(
    target: IntakeTarget,
    shard: number,
    pendingPk: string,
    item: Record<string, unknown>,
  ): Promise<boolean> {
    const parsed = parsePendingSortKey(String(item.dueSk));
    if (!parsed) throw new ContactWriteError('a pending contact has a malformed sort key');
    const due = dueIndexKey(target.campaignId, parsed.zone, shard, parsed.priority, parsed.dueAt, parsed.phoneKey);
    const moved = await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET duePk = :due, dueSk = :dueSk',
          ConditionExpression: 'duePk = :pending',
          ExpressionAttributeValues: { ':due': due.duePk, ':dueSk': due.dueSk, ':pending': pendingPk },
        }),
      ),
    );
    return moved.applied;
  }

  /**
   * Every number of the list's claims items, then (for contacts written before those items existed, by a run loading
   * across a deploy) every contact still in its pending partitions, is discarded one by one; a second discard finds
   * nothing left to do.
   */
  async discardList(target: IntakeTarget): Promise<number> {
    let removed = 0;
    const discard = async (phoneKey: string) => {
      if (await this.#discardOne(target, phoneKey)) removed++;
    };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': listClaimsPk(target.campaignId, target.listId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      startKey = page.LastEvaluatedKey;
      for (const item of page.Items ?? []) {
        await inParallel([...((item.phoneKeys as Set<string> | undefined) ?? [])], this.#concurrency, discard);
      }
    } while (startKey);
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pendingPk = pendingIndexPk(target.campaignId, target.listId, shard);
      for (;;) {
        const page = await this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :p',
            ExpressionAttributeValues: { ':p': pendingPk },
            Limit: 1000,
          }),
        );
        const keys = (page.Items ?? []).flatMap((i) => parsePendingSortKey(String(i.dueSk))?.phoneKey ?? []);
        if (keys.length === 0) break;
        await inParallel(keys, this.#concurrency, discard);
      }
    }
    return removed;
  }

  /**
   * Deletes the number's contact if it is this list's and still pending, then gives back the claim if it is this
   * list's and the campaign has no contact for the number (deleted now, or never written because a crash came between
   * the claim and the put). A contact of another list of the campaign keeps the claim, and so does a contact already
   * released. A crash between the two writes is finished by the next discard. Returns whether a contact was deleted.
   */
  async #discardOne(target: IntakeTarget, phoneKey: string): Promise<boolean> {
    const deleted = await this.#conditional(() =>
      this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: contactKey(target.campaignId, phoneKey),
          ConditionExpression: 'listId = :l AND duePk = :pending',
          ExpressionAttributeValues: {
            ':l': target.listId,
            ':pending': pendingIndexPk(target.campaignId, target.listId, dueShard(phoneKey)),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (!deleted.applied && Object.keys(deleted.old).length > 0) return false;
    await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: phoneStatusKey(phoneKey),
          UpdateExpression: 'REMOVE allocCampaignId, allocListId, allocUntil, allocAt',
          ConditionExpression: 'allocCampaignId = :c AND allocListId = :l',
          ExpressionAttributeValues: { ':c': target.campaignId, ':l': target.listId },
        }),
      ),
    );
    return deleted.applied;
  }

  /** Runs a conditional write, retrying throttling and transient errors; a failed condition is an answer, not an error. */
  async #conditional(write: () => Promise<unknown>): Promise<Conditional> {
    try {
      await this.#retrying(write);
      return { applied: true };
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      return { applied: false, old: oldItem(error) };
    }
  }

  async #retrying(write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        if (attempt + 1 >= MAX_ATTEMPTS) throw new ContactWriteError('a contact write kept failing after retries');
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
  }
}

/**
 * Why a claim was refused, from the STATUS item as it was: an active DNC entry → do_not_call; another list of this
 * campaign holds the number → duplicate_in_campaign; otherwise another campaign holds it → allocated_elsewhere.
 */
export function claimRefusal(target: Pick<IntakeTarget, 'campaignId' | 'intakeAt'>, old: PhoneStatus): WriteOutcome {
  if (dncActive(old, target.intakeAt)) return 'do_not_call';
  return old.allocCampaignId === target.campaignId ? 'duplicate_in_campaign' : 'allocated_elsewhere';
}

/**
 * What an existing contact (the put found one) makes of the row: written by this list at this row (a run before a
 * crash) → accepted; by this list at another row → an in-file duplicate the resumed run could not see; otherwise →
 * already in the campaign. The claim just made stays: the campaign has a contact for the number either way.
 */
export function existingContact(
  target: Pick<IntakeTarget, 'listId'>,
  row: number,
  old: Record<string, unknown>,
): WriteOutcome {
  if (old.listId === target.listId) return old.row === row ? 'accepted' : 'duplicate_in_file';
  return 'duplicate_in_campaign';
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

/** The item a failed condition returned (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), as plain values. */
function oldItem(error: unknown): Record<string, unknown> {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item) : {};
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

/**
 * Runs `work` on every item, `limit` at a time. After a failure no new item starts, and the failure is thrown once the
 * items under way have settled: nothing is left writing behind the caller's back.
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
}
