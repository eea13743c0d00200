import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
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
  pendingIndexPk,
  phoneStatusKey,
} from '#shared/adapters/dynamodb/keys';
import type {
  ContactStore,
  IntakeTarget,
  PendingContact,
  PhoneStatus,
  ReleasePass,
  WriteOutcome,
} from '#shared/ports/contact-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type UpdateAction = NonNullable<TransactItem['Update']>;

/**
 * TransactWriteItems takes at most 100 actions: 49 contacts, each a Put and a STATUS Update, and the transaction's
 * record of the numbers it wrote.
 */
export const CONTACTS_PER_TRANSACTION = 49;
export const BATCH_GET_KEYS = 100;
/** Conditional Updates per release transaction (the action limit). */
export const RELEASES_PER_TRANSACTION = 100;
const MAX_ATTEMPTS = 12;

/** A transaction, write or batch kept failing for reasons that retrying did not cure. */
export class ContactWriteError extends Error {
  override readonly name = 'ContactWriteError';
}

export interface DynamoDbContactStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Transactions (or, discarding, single writes) in flight at once. Default 4. */
  concurrency?: number;
  /** Records the release reads a page, checking its time after each page. Default 100 (≈ 4,900 contacts). */
  recordsPerPage?: number;
  /**
   * Pause before the pending partitions (contacts written by the code before records, see below) are swept again,
   * after a sweep that found some: the due index is eventually consistent. Default 250 ms.
   */
  legacySettleMs?: number;
  /** Waits between retries; tests pass a fake. Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
}

/** How a conditional write ended: applied, or refused with the item as it was (empty when there was none). */
type Conditional = { applied: true } | { applied: false; old: Record<string, unknown> };

/** A contact a record names, with what its due keys are built from. */
interface Recorded {
  phoneKey: string;
  zone: string;
  priority: number;
}

/**
 * Contacts and number claims in the main table (docs/data-model.md, patterns 7, 8, 8b, 8c).
 * - A contact is written with its number's claim in one transaction (≤ 49 contacts each), so a contact exists exactly
 *   when its list holds the number; the same transaction writes its record (`CLAIMS#<campaign>#<list>` /
 *   `ROW#<first row>`): the phone keys it wrote, by priority and zone. Conditions make every write idempotent: a crash
 *   and a redelivery never write a contact twice.
 * - The contact is written without due keys, in no index, so the dispatcher cannot see it, and marked
 *   `pendingRelease`. When the whole file is in, the release reads the list's records (consistently) and gives each
 *   contact still pending for this list, and still `new` (not erased, not made DNC by a call in another campaign),
 *   its due keys, in transactions of ≤ 100 conditional Updates.
 * - A failed list deletes its pending contacts and gives back the claims it made, both found from its records.
 * Lists that were loading when this scheme was deployed also have contacts in the pending partitions of the due
 * index (`PENDING#…`, from the code before) and records listing numbers before they were claimed (`phoneKeys`): the
 * release sweeps those partitions and the discard reads both.
 */
export class DynamoDbContactStore implements ContactStore {
  readonly statusBatchSize = BATCH_GET_KEYS;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #concurrency: number;
  readonly #recordsPerPage: number;
  readonly #legacySettleMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(config: DynamoDbContactStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#concurrency = config.concurrency ?? 4;
    this.#recordsPerPage = config.recordsPerPage ?? 100;
    this.#legacySettleMs = config.legacySettleMs ?? 250;
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

  /**
   * One transaction for the chunk; when it is cancelled, the contacts it found out about get their outcome and the
   * others go again without them. The record keeps the chunk's first row as its key through the retries.
   */
  async #writeChunk(
    target: IntakeTarget,
    contacts: readonly PendingContact[],
    indexes: number[],
    outcomes: WriteOutcome[],
  ): Promise<void> {
    const firstRow = indexes.reduce((min, i) => Math.min(min, (contacts[i] as PendingContact).row), Infinity);
    let pending = indexes;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('contact transaction kept failing after retries');
      const batch = pending.map((i) => contacts[i] as PendingContact);
      try {
        await this.#client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...batch.flatMap((c) => this.#contactActions(target, c)),
              { Update: this.#recordAction(target, firstRow, batch) },
            ],
          }),
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

  /**
   * The contact if it does not exist (an existing one is this row written before a crash, an in-file or an in-campaign
   * duplicate), and the claim if the number is unallocated, expired, held by a finished campaign being taken over or
   * already this list's, and not DNC. Another list of the same campaign holding the number is refused like another
   * campaign: its contact exists, or is discarded with that list.
   */
  #contactActions(target: IntakeTarget, c: PendingContact): TransactItem[] {
    const takeOver = c.takeOverFrom !== undefined;
    return [
      {
        Put: {
          TableName: this.#table,
          Item: {
            ...contactKey(target.campaignId, c.phoneKey),
            pendingRelease: true,
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
        },
      },
    ];
  }

  /**
   * The transaction's record: one binary set of raw phone keys (16 bytes each) per priority and zone, ADDed so that a
   * run after a crash that writes more of the chunk adds to it. 49 keys and the key attributes stay under 1 KB.
   */
  #recordAction(target: IntakeTarget, firstRow: number, batch: readonly PendingContact[]): UpdateAction {
    const groups = new Map<string, Set<Uint8Array>>();
    for (const c of batch) {
      const name = recordGroupName(c.priority, c.timeZone);
      const keys = groups.get(name) ?? new Set<Uint8Array>();
      keys.add(packPhoneKey(c.phoneKey));
      groups.set(name, keys);
    }
    const entries = [...groups];
    return {
      TableName: this.#table,
      Key: listClaimsKey(target.campaignId, target.listId, firstRow),
      UpdateExpression: `ADD ${entries.map((_, i) => `#g${i} :g${i}`).join(', ')} SET expiresAt = :exp`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#g${i}`, name])),
      ExpressionAttributeValues: {
        ...Object.fromEntries(entries.map(([, keys], i) => [`:g${i}`, keys])),
        ':exp': Math.ceil(Date.parse(target.allocUntil) / 1000),
      },
    };
  }

  async releaseList(target: IntakeTarget, shouldStop: () => boolean, afterRow?: number): Promise<ReleasePass> {
    let released = 0;
    let lastRow = afterRow;
    let startKey: Record<string, unknown> | undefined =
      afterRow === undefined ? undefined : listClaimsKey(target.campaignId, target.listId, afterRow);
    do {
      const page = await this.#queryRecords(target, startKey, this.#recordsPerPage);
      startKey = page.LastEvaluatedKey;
      const items = page.Items ?? [];
      const moves = items.flatMap(recordedContacts);
      const updates = moves.map((m) => this.#releaseUpdate(target, m));
      released += await this.#releaseAll(updates);
      const row = recordRow(items.at(-1));
      if (row !== undefined) lastRow = row;
      // Checked only after real work, so every invocation releases some contacts and a resumed run gets further.
      if (startKey && moves.length > 0 && shouldStop()) {
        return { released, drained: false, ...(lastRow !== undefined ? { afterRow: lastRow } : {}) };
      }
    } while (startKey);
    const swept = await this.#sweepPendingPartitions(target, shouldStop);
    released += swept.released;
    if (!swept.drained) return { released, drained: false, ...(lastRow !== undefined ? { afterRow: lastRow } : {}) };
    return { released, drained: true };
  }

  /**
   * Due keys for a contact still pending for this list and still new: a second release of it is a no-op, and so is
   * the release of a contact erased meanwhile (no item: the Update does not create one) or made DNC by a call in
   * another campaign (its state is `dnc`).
   */
  #releaseUpdate(target: IntakeTarget, m: Recorded): UpdateAction {
    const due = dueIndexKey(target.campaignId, m.zone, dueShard(m.phoneKey), m.priority, target.intakeAt, m.phoneKey);
    return {
      TableName: this.#table,
      Key: contactKey(target.campaignId, m.phoneKey),
      UpdateExpression: 'SET duePk = :due, dueSk = :dueSk REMOVE pendingRelease',
      ConditionExpression: 'pendingRelease = :true AND listId = :l AND #state = :new',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':due': due.duePk,
        ':dueSk': due.dueSk,
        ':true': true,
        ':l': target.listId,
        ':new': 'new',
      },
    };
  }

  /**
   * Contacts the code before records wrote into the list's pending partitions of the due index (a list loading across
   * the deploy), moved to their due partitions if still there. Swept again after a pause while a sweep finds some,
   * since the index lags the writes; nothing writes these partitions any more, so a list without them costs one
   * empty Query per shard.
   */
  async #sweepPendingPartitions(
    target: IntakeTarget,
    shouldStop: () => boolean,
  ): Promise<{ released: number; drained: boolean }> {
    let released = 0;
    for (;;) {
      let found = 0;
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        const pendingPk = pendingIndexPk(target.campaignId, target.listId, shard);
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.#queryPending(pendingPk, startKey);
          startKey = page.LastEvaluatedKey;
          const updates = (page.Items ?? []).map((item): UpdateAction => {
            const parsed = parsePendingSortKey(String(item.dueSk));
            if (!parsed) throw new ContactWriteError('a pending contact has a malformed sort key');
            const due = dueIndexKey(
              target.campaignId,
              parsed.zone,
              shard,
              parsed.priority,
              parsed.dueAt,
              parsed.phoneKey,
            );
            return {
              TableName: this.#table,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: 'SET duePk = :due, dueSk = :dueSk',
              ConditionExpression: 'duePk = :pending',
              ExpressionAttributeValues: { ':due': due.duePk, ':dueSk': due.dueSk, ':pending': pendingPk },
            };
          });
          found += updates.length;
          released += await this.#releaseAll(updates);
          if (updates.length > 0 && shouldStop()) return { released, drained: false };
        } while (startKey);
      }
      if (found === 0) return { released, drained: true };
      await this.#sleep(this.#legacySettleMs);
    }
  }

  /**
   * Every number of the list's records (those of this scheme and those the code before wrote ahead of its claims),
   * then every contact still in its pending partitions (written before records existed), is discarded one by one;
   * a second discard finds nothing left to do. The failure path only: single writes, `concurrency` at a time.
   */
  async discardList(target: IntakeTarget): Promise<number> {
    let removed = 0;
    const discard = async (phoneKey: string) => {
      if (await this.#discardOne(target, phoneKey)) removed++;
    };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#queryRecords(target, startKey);
      startKey = page.LastEvaluatedKey;
      for (const item of page.Items ?? []) {
        const keys = [...legacyRecordKeys(item), ...recordedContacts(item).map((m) => m.phoneKey)];
        await inParallel([...new Set(keys)], this.#concurrency, discard);
      }
    } while (startKey);
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pendingPk = pendingIndexPk(target.campaignId, target.listId, shard);
      for (;;) {
        const page = await this.#queryPending(pendingPk, undefined);
        const keys = (page.Items ?? []).flatMap((i) => parsePendingSortKey(String(i.dueSk))?.phoneKey ?? []);
        if (keys.length === 0) break;
        await inParallel(keys, this.#concurrency, discard);
      }
    }
    return removed;
  }

  /**
   * Deletes the number's contact if it is this list's and still pending (marked, or in the list's pending partition
   * as the code before wrote it), then gives back the claim if it is this list's and the campaign has no contact for
   * the number (deleted now; or never written, when the code before crashed between its claim and its put). A
   * contact of another list of the campaign keeps the claim, and so does a contact already released. A crash between
   * the two writes is finished by the next discard. Returns whether a contact was deleted.
   */
  async #discardOne(target: IntakeTarget, phoneKey: string): Promise<boolean> {
    const deleted = await this.#conditional(() =>
      this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: contactKey(target.campaignId, phoneKey),
          ConditionExpression: 'listId = :l AND (pendingRelease = :true OR duePk = :pending)',
          ExpressionAttributeValues: {
            ':l': target.listId,
            ':true': true,
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

  /** The list's records in row order, read consistently: every committed transaction's record is seen. */
  async #queryRecords(target: IntakeTarget, startKey: Record<string, unknown> | undefined, limit?: number) {
    return this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': listClaimsPk(target.campaignId, target.listId) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        ...(limit !== undefined ? { Limit: limit } : {}),
      }),
    );
  }

  async #queryPending(pendingPk: string, startKey: Record<string, unknown> | undefined) {
    return this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'due',
        KeyConditionExpression: 'duePk = :p',
        ExpressionAttributeValues: { ':p': pendingPk },
        ExclusiveStartKey: startKey,
        Limit: 1000,
      }),
    );
  }

  /**
   * Applies ≤ 100 conditional Updates in one transaction; when it is cancelled, the Updates whose condition failed
   * (nothing to do for those) are left out and the others go again. Returns how many were applied.
   */
  /** Applies release updates in transactions of {@link RELEASES_PER_TRANSACTION}, several at once; how many applied. */
  async #releaseAll(updates: readonly UpdateAction[]): Promise<number> {
    const chunks: UpdateAction[][] = [];
    for (let i = 0; i < updates.length; i += RELEASES_PER_TRANSACTION) {
      chunks.push(updates.slice(i, i + RELEASES_PER_TRANSACTION));
    }
    let applied = 0;
    // Each chunk adds its own count once it is done (no read-modify-write of the total across an await).
    await inParallel(chunks, this.#concurrency, async (chunk) => {
      const n = await this.#updateAll(chunk);
      applied += n;
    });
    return applied;
  }

  async #updateAll(updates: readonly UpdateAction[]): Promise<number> {
    let pending = updates;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('release transaction kept failing after retries');
      try {
        await this.#client.send(new TransactWriteCommand({ TransactItems: pending.map((Update) => ({ Update })) }));
        return pending.length;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons) {
          const verdict = interpretReleaseCancellation(reasons);
          const retry = pending.filter((_, k) => verdict.retry[k]);
          if (verdict.contention && retry.length > 0) await this.#sleep(backoffMs(attempt + 1));
          pending = retry;
          continue;
        }
        if (!isRetryable(error)) throw error;
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
    return 0;
  }

  /** Runs a conditional write, retrying throttling and transient errors; a failed condition is an answer, not an error. */
  async #conditional(write: () => Promise<unknown>): Promise<Conditional> {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return { applied: true };
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
          return { applied: false, old: oldItem(error) };
        }
        if (!isRetryable(error)) throw error;
        if (attempt + 1 >= MAX_ATTEMPTS) throw new ContactWriteError('a contact write kept failing after retries');
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
 * Reads the cancellation reasons of a contact transaction (a Put and a STATUS Update per contact, in that order, then
 * the record's Update), with the old items returned by `ReturnValuesOnConditionCheckFailure: ALL_OLD`:
 * - the contact exists → {@link existingContact};
 * - the claim was refused → {@link claimRefusal};
 * - nothing wrong with this contact (`None`) or contention → retry.
 * Any other code (the record's included) is a bug or a limit (validation, item size) and throws.
 */
export function interpretCancellation(
  target: Pick<IntakeTarget, 'campaignId' | 'listId' | 'intakeAt'>,
  contacts: readonly Pick<PendingContact, 'row'>[],
  reasons: readonly CancellationReason[],
): CancellationVerdict {
  let contention = false;
  const check = (r: CancellationReason | undefined) => {
    const code = r?.Code ?? 'None';
    if (!RETRY_CODES.has(code)) throw new ContactWriteError(`contact transaction cancelled: ${code}`);
    if (code !== 'None') contention = true;
  };
  const outcomes = contacts.map((contact, k): WriteOutcome | 'retry' => {
    const put = reasons[2 * k];
    const status = reasons[2 * k + 1];
    if (put?.Code === 'ConditionalCheckFailed') return existingContact(target, contact.row, plain(put.Item));
    if (status?.Code === 'ConditionalCheckFailed') return claimRefusal(target, toPhoneStatus(plain(status.Item)));
    check(put);
    check(status);
    return 'retry';
  });
  check(reasons[2 * contacts.length]);
  return { outcomes, contention };
}

/**
 * Reads the cancellation reasons of a release transaction: an Update whose condition failed has nothing to do (the
 * contact was released already, erased, made DNC, or left its pending partition); the others go again, after a pause
 * when the cancellation came from contention. Any other code throws.
 */
export function interpretReleaseCancellation(reasons: readonly CancellationReason[]): {
  retry: boolean[];
  contention: boolean;
} {
  let contention = false;
  const retry = reasons.map((r) => {
    const code = r.Code ?? 'None';
    if (code === 'ConditionalCheckFailed') return false;
    if (!RETRY_CODES.has(code)) throw new ContactWriteError(`release transaction cancelled: ${code}`);
    if (code !== 'None') contention = true;
    return true;
  });
  // A cancellation without a failed condition and without contention named no culprit: pause before going again.
  if (retry.every(Boolean)) contention = true;
  return { retry, contention };
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
 * already in the campaign.
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

/** Attribute of a record holding the phone keys of one priority and zone. */
export function recordGroupName(priority: number, zone: string): string {
  return `k#${priority}#${zone}`;
}

/**
 * A phone key (128 bits in base64url, shared/domain/phone-key.ts) as its 16 raw bytes: a record of 49 stays under
 * 1 KB, one write unit (two in the transaction) where the 22-character strings would take two.
 */
export function packPhoneKey(phoneKey: string): Uint8Array {
  const bytes = Buffer.from(phoneKey, 'base64url');
  if (bytes.length !== 16 || bytes.toString('base64url') !== phoneKey) {
    throw new ContactWriteError('a phone key is not 128 bits in base64url');
  }
  return new Uint8Array(bytes);
}

/** The contacts a record names, with their priority and zone read back from the group names. */
export function recordedContacts(item: Record<string, unknown>): Recorded[] {
  const out: Recorded[] = [];
  for (const [name, value] of Object.entries(item)) {
    const match = /^k#(\d+)#(.+)$/.exec(name);
    if (!match || !(value instanceof Set)) continue;
    for (const bytes of value as Set<Uint8Array>) {
      out.push({
        phoneKey: Buffer.from(bytes).toString('base64url'),
        zone: match[2] as string,
        priority: Number(match[1]),
      });
    }
  }
  return out;
}

/** The numbers a record of the code before lists (`phoneKeys`, ADDed before it claimed any of them). */
function legacyRecordKeys(item: Record<string, unknown>): string[] {
  const keys = item.phoneKeys;
  return keys instanceof Set ? [...(keys as Set<unknown>)].map(String) : [];
}

/** The first row a record was written for (its sort key), where a resumed release goes on after. */
function recordRow(item: Record<string, unknown> | undefined): number | undefined {
  const match = /^ROW#(\d+)$/.exec(String(item?.sk ?? ''));
  return match ? Number(match[1]) : undefined;
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

/** An item of a cancellation reason (low-level attribute values), as plain values. */
function plain(item: Record<string, AttributeValue> | undefined): Record<string, unknown> {
  return item ? unmarshall(item) : {};
}

/** The item a failed condition returned (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), as plain values. */
function oldItem(error: unknown): Record<string, unknown> {
  return plain((error as { Item?: Record<string, AttributeValue> }).Item);
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
  'TransactionConflictException',
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
