import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  batchDialRef,
  campaignZonesKey,
  dialBatchDeadline,
  dialBatchesPk,
  dialBatchKey,
  dialingStatsKey,
  isLegacyBatchId,
  legacyDialBatchKey,
  newDialBatchId,
  OPEN_BATCH_PREFIX,
  openBatchAttribute,
  parseBatchDialRef,
  parseDuePartition,
  parseDueSortKey,
} from '#shared/adapters/dynamodb/dialing-keys';
import {
  campaignListTotalsKey,
  contactKey,
  dueIndexKey,
  dueShard,
  phoneStatusKey,
} from '#shared/adapters/dynamodb/keys';
import { RETRY_CLASSES } from '#shared/domain/campaign';
import { type Contact, contactSchema } from '#shared/domain/contact';
import type { RetryBasis } from '#shared/domain/retries/next-attempt';
import type {
  ConnectRetry,
  ContactDialing,
  ContactMove,
  DialingContact,
  DialingDiagnosticsReads,
  DialingStats,
  DialMark,
  DialUnmark,
  DueRef,
  MarkedBatch,
  StaleDial,
  StaleDialPage,
  StatsDelta,
} from '#shared/ports/contact-dialing';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_TRIES = 8;
const MOVE_CONCURRENCY = 8;
/** A dial batch's marks (≤ 25) go out together, so marking costs a batch one round trip, not one per contact. */
const MARK_CONCURRENCY = 25;
/**
 * How long a batch item is kept (TTL). The reconciler reads a batch once its dials' deadline has passed (35 minutes by
 * default) and deletes it once none of its dials is in flight; the TTL only clears batches of campaigns that finished
 * first. For a legacy mark (see `load`) whose batch is gone after this long, the dial is settled as placed, never
 * resent with its old client token.
 */
const BATCH_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/** A DynamoDB call kept failing for reasons retrying did not cure. */
export class DialingStoreError extends Error {
  override readonly name = 'DialingStoreError';
}

export interface DynamoDbDialingStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The dialer's reads and writes on the main table (docs/data-model.md, patterns 10–13): due-index Queries, one
 * BatchGetItem for contacts and their STATUS items, per dial batch one batch item (put before its marks, closed with
 * Connect's answer, deleted by the reconciler once none of its dials is in flight), one conditional UpdateItem per
 * mark (on the index entry it was selected with, which it removes), and one update of the campaign's DIALING item
 * counting the batch.
 */
export class DynamoDbDialingStore implements ContactDialing, DialingDiagnosticsReads {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(config: DynamoDbDialingStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async campaignZones(campaignId: string): Promise<string[]> {
    const out = await this.#client.send(new GetCommand({ TableName: this.#table, Key: campaignZonesKey(campaignId) }));
    const zones = out.Item?.zones as Set<string> | undefined;
    return zones ? [...zones].sort() : [];
  }

  async addCampaignZones(campaignId: string, zones: readonly string[]): Promise<void> {
    if (zones.length === 0) return;
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: campaignZonesKey(campaignId),
        UpdateExpression: 'ADD zones :z',
        ExpressionAttributeValues: { ':z': new Set(zones) },
      }),
    );
  }

  async queryDue(
    campaignId: string,
    zone: string,
    shard: number,
    priority: number,
    untilIso: string,
    limit: number,
  ): Promise<DueRef[]> {
    if (limit <= 0) return [];
    const { duePk } = dueIndexKey(campaignId, zone, shard, priority, untilIso, '');
    const refs: DueRef[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'due',
          KeyConditionExpression: 'duePk = :pk AND dueSk BETWEEN :lo AND :hi',
          // `~` sorts after every phoneKey character, so contacts due exactly at `untilIso` are included.
          ExpressionAttributeValues: { ':pk': duePk, ':lo': `${priority}#`, ':hi': `${priority}#${untilIso}#~` },
          Limit: limit - refs.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = parseDueSortKey(String(item.dueSk));
        if (!sk) continue;
        refs.push({
          campaignId,
          zone,
          shard,
          priority: sk.priority,
          dueAt: sk.dueAt,
          phoneKey: sk.phoneKey,
          dueSk: String(item.dueSk),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && refs.length < limit);
    return refs;
  }

  async queryDueAfter(
    campaignId: string,
    zone: string,
    shard: number,
    priority: number,
    afterSk: string | undefined,
    limit: number,
  ): Promise<{ refs: DueRef[]; done: boolean }> {
    const { duePk } = dueIndexKey(campaignId, zone, shard, priority, '', '');
    const refs: DueRef[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'due',
          KeyConditionExpression: 'duePk = :pk AND dueSk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': duePk, ':lo': afterSk ?? `${priority}#`, ':hi': `${priority}#~` },
          // BETWEEN is inclusive: one more than asked covers the entry the last page ended on, skipped below.
          Limit: Math.max(1, limit) + (afterSk === undefined ? 0 : 1),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const dueSk = String(item.dueSk);
        if (dueSk === afterSk) continue;
        const sk = parseDueSortKey(dueSk);
        if (sk) {
          refs.push({ campaignId, zone, shard, priority: sk.priority, dueAt: sk.dueAt, phoneKey: sk.phoneKey, dueSk });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && refs.length === 0);
    return { refs, done: startKey === undefined };
  }

  async setRetryRules(campaignId: string, value: NonNullable<DialingStats['retryRules']>): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: dialingStatsKey(campaignId),
        UpdateExpression: 'SET retryRules = :r',
        ExpressionAttributeValues: { ':r': value.cursor === undefined ? { fingerprint: value.fingerprint } : value },
      }),
    );
  }

  async load(refs: readonly DueRef[], nowIso: string): Promise<DialingContact[]> {
    const found = await batchGetAll(
      this.#client,
      this.#table,
      refs.flatMap((r) => [contactKey(r.campaignId, r.phoneKey), phoneStatusKey(r.phoneKey)]),
      {
        maxTries: MAX_TRIES,
        sleep: this.#sleep,
        exhausted: () => new DialingStoreError('contact reads stayed unprocessed after retries'),
      },
    );
    const items = new Map(found.map((item) => [`${item.pk}|${item.sk}`, item]));
    const read: { ref: DueRef; item: Record<string, unknown>; contact: Contact }[] = [];
    for (const ref of refs) {
      const key = contactKey(ref.campaignId, ref.phoneKey);
      const item = items.get(`${key.pk}|${key.sk}`);
      const contact = item ? parseContact(item) : undefined;
      if (item && contact) read.push({ ref, item, contact });
    }
    const batches = await this.#batchesOf(read);
    return read.map(({ ref, item, contact }) => {
      const dialing = item.dialing as DialingField | undefined;
      return {
        ref,
        contact,
        doNotCall: dncActive(items.get(`${phoneStatusKey(ref.phoneKey).pk}|STATUS`), nowIso),
        inFlight: {
          ...inFlightRecord(ref, item.state, dialing, batches, nowIso),
          fromSk: typeof item.dialFromSk === 'string' ? item.dialFromSk : undefined,
          prevState: typeof item.prevState === 'string' ? (item.prevState as Contact['state']) : undefined,
          pilot: dialing?.pilot === true,
          batchFindable: typeof dialing?.batch === 'string' && !isLegacyBatchId(dialing.batch),
        },
        ...(isRetryBasis(item.retryBasis) ? { retryBasis: item.retryBasis } : {}),
      };
    });
  }

  /**
   * What is on record of the legacy dial batches (counted before batches were findable by time) the contacts still
   * dialing belong to: each closed batch's item (one BatchGetItem), and for a batch not closed, whether it is open
   * (counted) on the campaign's DIALING item. Dials of later batches are reconciled from their batch
   * ({@link staleDials}); a contact read here dialing one of those gets no record.
   */
  async #batchesOf(read: readonly { ref: DueRef; item: Record<string, unknown> }[]): Promise<BatchRecords> {
    const wanted = new Map<string, { campaignId: string; batchId: string }>();
    for (const { ref, item } of read) {
      const batch = (item.dialing as DialingField | undefined)?.batch;
      if (item.state === 'dialing' && typeof batch === 'string' && isLegacyBatchId(batch)) {
        wanted.set(`${ref.campaignId}|${batch}`, { campaignId: ref.campaignId, batchId: batch });
      }
    }
    const records: BatchRecords = { closed: new Map(), open: new Set() };
    if (wanted.size === 0) return records;
    const found = await batchGetAll(
      this.#client,
      this.#table,
      [...wanted.values()].map((b) => legacyDialBatchKey(b.campaignId, b.batchId)),
      {
        maxTries: MAX_TRIES,
        sleep: this.#sleep,
        exhausted: () => new DialingStoreError('dial batch reads stayed unprocessed after retries'),
      },
    );
    const byPk = new Map(found.map((item) => [String(item.pk), item]));
    const unclosed = new Set<string>();
    for (const [id, b] of wanted) {
      const item = byPk.get(legacyDialBatchKey(b.campaignId, b.batchId).pk);
      if (item) records.closed.set(id, acceptedOf(item));
      else unclosed.add(b.campaignId);
    }
    for (const campaignId of unclosed) {
      const out = await this.#client.send(
        new GetCommand({ TableName: this.#table, Key: dialingStatsKey(campaignId), ConsistentRead: true }),
      );
      for (const name of Object.keys(out.Item ?? {})) {
        if (name.startsWith(OPEN_BATCH_PREFIX))
          records.open.add(`${campaignId}|${name.slice(OPEN_BATCH_PREFIX.length)}`);
      }
    }
    return records;
  }

  async markDialing(
    campaignId: string,
    marks: readonly DialMark[],
    options: { pilot: boolean },
    nowIso: string,
  ): Promise<MarkedBatch> {
    // The reconciler takes a batch up once its dials' deadline has passed; the id carries it, to sort by.
    let deadline = nowIso;
    for (const m of marks) if (m.deadline > deadline) deadline = m.deadline;
    const batchId = newDialBatchId(deadline, randomBytes(9).toString('base64url'));
    if (marks.length === 0) return { batchId, marks: [] };
    // The batch item before any mark: a mark takes its contact out of the due index, and this item is then the only
    // way back to it. Had the process died after some marks, the reconciler finds them here (unsent, uncounted).
    const batchKey = dialBatchKey(campaignId, batchId);
    await this.#conditional(() =>
      this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...batchKey,
            marks: new Set(marks.map((m) => batchDialRef(m.ref.phoneKey, m.attempt))),
            expiresAt: expiresAt(nowIso),
          },
        }),
      ),
    );
    // One conditional write per contact (1 WRU, where a transaction of the batch cost 2 per contact): a contact whose
    // index entry moved since it was selected (an outcome, a concurrent tick) is not ours to dial and is left out.
    const written = await settleAll(marks, MARK_CONCURRENCY, (m) => this.#mark(m, batchId, nowIso, options.pilot));
    const marked = marks.filter((_, k) => written[k] === true);
    if (marked.length === 0) {
      // Nothing of it was marked: nothing for the reconciler to find.
      await this.#conditional(() => this.#client.send(new DeleteCommand({ TableName: this.#table, Key: batchKey })));
      return { batchId, marks: [] };
    }
    // The count and the open-batch flag in one write, conditional on the flag so that a retry of a write that did
    // land cannot count twice. Had the process died before it, the marks are in no batch that was counted or sent:
    // the reconciler puts them back without uncounting them.
    const open = openBatchAttribute(batchId);
    await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: dialingStatsKey(campaignId),
          UpdateExpression: `SET #open = :deadline ADD dials :n${options.pilot ? ', pilotDials :n' : ''}`,
          ConditionExpression: 'attribute_not_exists(#open)',
          ExpressionAttributeNames: { '#open': open },
          // The reconciler closes a batch left open once its dials' deadline has passed.
          ExpressionAttributeValues: { ':deadline': deadline, ':n': marked.length },
        }),
      ),
    );
    return { batchId, marks: marked };
  }

  /**
   * Marks one contact; whether it is now this batch's. A mark whose answer was lost (a 500 or a reset after DynamoDB
   * applied it) fails its condition when retried, as it took the contact out of the index: the item as it is then
   * (returned with the failure, no extra read) tells a mark of ours, to be counted and sent, from someone else's move.
   */
  async #mark(m: DialMark, batchId: string, nowIso: string, pilot: boolean): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.send(new UpdateCommand(this.#markUpdate(m, batchId, nowIso, pilot)));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
          const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
          const item = raw ? unmarshall(raw) : {};
          const dialing = item.dialing as { batch?: unknown; attempt?: unknown } | undefined;
          return item.state === 'dialing' && dialing?.batch === batchId && dialing.attempt === m.attempt;
        }
        if (!isRetryable(error) || attempt >= MAX_TRIES) throw error;
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
  }

  /**
   * A mark takes the contact out of the due index (1 index write, where moving its key to a priority-0 entry cost 2,
   * and the outcome's move back or out 2 or 1 more): its batch item is what finds it if no outcome comes.
   */
  #markUpdate(m: DialMark, batchId: string, nowIso: string, pilot: boolean) {
    return {
      TableName: this.#table,
      Key: contactKey(m.ref.campaignId, m.ref.phoneKey),
      UpdateExpression:
        'SET #state = :dialing, attempts = :attempt, recentAttempts = :recent, dialing = :d, updatedAt = :now, ' +
        'prevState = :prev, dialFromSk = :from REMOVE duePk, dueSk, dueAt',
      ConditionExpression: 'dueSk = :from AND #state = :prev',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':dialing': 'dialing',
        ':attempt': m.attempt,
        ':recent': m.recentAttempts,
        // `batch`: where Connect's answer to this dial is recorded. `pilot`: a pilot dial, in `pilotDials` once
        // counted, so undoing the mark takes it off there too.
        ':d': {
          attempt: m.attempt,
          requestedAt: m.requestedAt,
          expiresAt: m.expiresAt,
          batch: batchId,
          ...(pilot ? { pilot: true } : {}),
        },
        ':now': nowIso,
        ':prev': m.contact.state,
        ':from': m.ref.dueSk,
      },
    };
  }

  async closeBatch(
    campaignId: string,
    batch: MarkedBatch,
    answer: { accepted: readonly DialMark[] } | undefined,
    nowIso: string,
  ): Promise<void> {
    // The batch item first: once the open flag is gone, the item is what says the batch was counted. It lists the
    // batch's marks already, so Connect's answer is what it did not accept (usually nothing): the item stays ≤ 1 KB.
    const accepted = new Set(answer?.accepted.map((m) => batchDialRef(m.ref.phoneKey, m.attempt)));
    const unaccepted = answer
      ? batch.marks.map((m) => batchDialRef(m.ref.phoneKey, m.attempt)).filter((ref) => !accepted.has(ref))
      : [];
    const set = ['closedAt = :now', ...(answer ? ['answeredAt = :now'] : [])];
    if (unaccepted.length > 0) set.push('unaccepted = :unaccepted');
    await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: dialBatchKey(campaignId, batch.batchId),
          UpdateExpression: `SET ${set.join(', ')}`,
          ExpressionAttributeValues: {
            ':now': nowIso,
            ...(unaccepted.length > 0 ? { ':unaccepted': new Set(unaccepted) } : {}),
          },
        }),
      ),
    );
    await this.#removeOpenFlag(campaignId, batch.batchId);
  }

  async closeAbandonedBatches(campaignId: string, nowIso: string): Promise<number> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: dialingStatsKey(campaignId), ConsistentRead: true }),
    );
    let closed = 0;
    for (const [name, deadline] of Object.entries(out.Item ?? {})) {
      if (!name.startsWith(OPEN_BATCH_PREFIX) || typeof deadline !== 'string' || deadline > nowIso) continue;
      const batchId = name.slice(OPEN_BATCH_PREFIX.length);
      // Counted, and maybe sent, but Connect's answer was never recorded: the batch is closed with no acceptance. A
      // batch the dispatcher did close (it died before removing the flag) is kept as it is.
      await this.#conditional(() =>
        isLegacyBatchId(batchId)
          ? this.#client.send(
              new PutCommand({
                TableName: this.#table,
                Item: { ...legacyDialBatchKey(campaignId, batchId), abandonedAt: nowIso, expiresAt: expiresAt(nowIso) },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            )
          : this.#client.send(
              new UpdateCommand({
                TableName: this.#table,
                Key: dialBatchKey(campaignId, batchId),
                UpdateExpression: 'SET abandonedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)',
                ExpressionAttributeValues: { ':now': nowIso },
              }),
            ),
      );
      await this.#removeOpenFlag(campaignId, batchId);
      closed++;
    }
    return closed;
  }

  async staleDials(
    campaignId: string,
    nowIso: string,
    page: { after?: string | undefined; limit: number },
  ): Promise<StaleDialPage> {
    const pk = dialBatchesPk(campaignId);
    // Consistent: a batch closed as abandoned just before must read as closed (counted), not as never counted.
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND sk <= :until',
        // `~` sorts after the random part, so batches whose deadline is exactly now are included.
        ExpressionAttributeValues: { ':pk': pk, ':until': `${nowIso}#~` },
        ConsistentRead: true,
        Limit: Math.max(1, page.limit),
        ...(page.after !== undefined ? { ExclusiveStartKey: { pk, sk: page.after } } : {}),
      }),
    );
    const batches = (out.Items ?? []).map(batchRecordOf);
    const result: StaleDialPage = {
      batchIds: batches.map((b) => b.batchId),
      dials: [],
      unreadable: [],
      next: out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : undefined,
    };
    if (batches.length === 0) return result;
    const phoneKeys = [...new Set(batches.flatMap((b) => b.marks.map((m) => m.phoneKey)))];
    // Consistent: a contact read as no longer dialing its batch lets the batch be forgotten for good.
    const found = await batchGetAll(
      this.#client,
      this.#table,
      phoneKeys.map((k) => contactKey(campaignId, k)),
      {
        consistentRead: true,
        maxTries: MAX_TRIES,
        sleep: this.#sleep,
        exhausted: () => new DialingStoreError('stale dial reads stayed unprocessed after retries'),
      },
    );
    const contacts = new Map(found.map((item) => [String(item.pk).slice('PHONE#'.length), item]));
    let open: Set<string> | undefined;
    for (const batch of batches) {
      for (const mark of batch.marks) {
        const item = contacts.get(mark.phoneKey);
        const dialing = item?.dialing as DialingField | undefined;
        if (item?.state !== 'dialing' || dialing?.batch !== batch.batchId) continue;
        if (Number(dialing.attempt) !== mark.attempt) continue;
        const contact = parseContact(item);
        if (!contact) {
          result.unreadable.push(batch.batchId);
          continue;
        }
        // Not closed: counted only if the campaign's DIALING item still has it open (closeAbandonedBatches ran first,
        // so that happens only for a batch whose dispatcher is still on it).
        if (!batch.closed && open === undefined) open = await this.#openBatches(campaignId);
        const counted = batch.closed || open?.has(batch.batchId) === true;
        const ref: DueRef = {
          campaignId,
          phoneKey: mark.phoneKey,
          zone: contact.zone,
          shard: dueShard(mark.phoneKey),
          priority: 0,
          dueAt: batch.deadline,
          dueSk: '',
        };
        const dial: StaleDial = {
          batchId: batch.batchId,
          ref,
          contact,
          inFlight: {
            confirmed: batch.answered && !batch.unaccepted.has(batchDialRef(mark.phoneKey, mark.attempt)),
            counted,
            fromSk: typeof item.dialFromSk === 'string' ? item.dialFromSk : undefined,
            prevState: typeof item.prevState === 'string' ? (item.prevState as Contact['state']) : undefined,
            pilot: dialing.pilot === true,
          },
        };
        result.dials.push(dial);
      }
    }
    return result;
  }

  async settleBatches(campaignId: string, batchIds: readonly string[]): Promise<void> {
    // A delete (1 WRU): the reconciler's Query never reads a settled batch again, however long it keeps running.
    await inParallel(batchIds, MOVE_CONCURRENCY, async (batchId) => {
      await this.#conditional(() =>
        this.#client.send(new DeleteCommand({ TableName: this.#table, Key: dialBatchKey(campaignId, batchId) })),
      );
    });
  }

  /** The batches the campaign's DIALING item has open (counted, not closed). */
  async #openBatches(campaignId: string): Promise<Set<string>> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: dialingStatsKey(campaignId), ConsistentRead: true }),
    );
    return new Set(
      Object.keys(out.Item ?? {})
        .filter((name) => name.startsWith(OPEN_BATCH_PREFIX))
        .map((name) => name.slice(OPEN_BATCH_PREFIX.length)),
    );
  }

  async #removeOpenFlag(campaignId: string, batchId: string): Promise<void> {
    await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: dialingStatsKey(campaignId),
          UpdateExpression: 'REMOVE #open',
          ExpressionAttributeNames: { '#open': openBatchAttribute(batchId) },
        }),
      ),
    );
  }

  async move(
    moves: readonly { ref: DueRef; from: { attempt: number; batch?: string } | { dueSk: string }; to: ContactMove }[],
    nowIso: string,
  ): Promise<number> {
    let moved = 0;
    await inParallel(moves, MOVE_CONCURRENCY, async ({ ref, from, to }) => {
      const ok = await this.#conditional(() =>
        this.#client.send(new UpdateCommand(this.#moveUpdate(ref, from, to, nowIso))),
      );
      if (ok) moved++;
    });
    return moved;
  }

  async unmarkDialing(
    campaignId: string,
    moves: readonly DialUnmark[],
    nowIso: string,
    stats: StatsDelta = {},
  ): Promise<number> {
    let moved = 0;
    // The caller's figures ride on the first transaction that commits, so they are added once.
    let extra: StatsDelta | undefined = stats;
    // 25 moves and the stats item per transaction, well inside TransactWriteItems' 100 items.
    for (let i = 0; i < moves.length; i += 25) {
      let pending = moves.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_TRIES) throw new DialingStoreError('undoing dial marks kept failing after retries');
        const actions: TransactItem[] = pending.map((m) => ({
          Update: this.#moveUpdate(
            m.ref,
            { attempt: m.attempt, ...(m.batch !== undefined ? { batch: m.batch } : {}) },
            m.to,
            nowIso,
          ),
        }));
        const delta: StatsDelta = {
          ...extra,
          dials: (extra?.dials ?? 0) - pending.filter((m) => m.counted).length,
          pilotDials: (extra?.pilotDials ?? 0) - pending.filter((m) => m.counted && m.pilot).length,
        };
        const stats = statsUpdate(campaignId, delta);
        if (stats.UpdateExpression) actions.push({ Update: { TableName: this.#table, ...stats } });
        try {
          await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
          moved += pending.length;
          extra = undefined;
          break;
        } catch (error) {
          const reasons = cancellationCodes(error);
          if (!reasons && !isRetryable(error)) throw error;
          // A contact no longer dialing that attempt was settled by an outcome: its dial happened and stays counted.
          const gone = new Set(pending.filter((_, k) => reasons?.[k] === 'ConditionalCheckFailed'));
          if (gone.size === 0) await this.#sleep(backoffMs(attempt + 1));
          pending = pending.filter((m) => !gone.has(m));
        }
      }
    }
    // Every contact had moved on: the figures still happened (a throttled call was throttled).
    if (extra !== undefined) await this.addStats(campaignId, extra);
    return moved;
  }

  /** The conditional update that moves one contact out of `dialing` or out of its due position. */
  #moveUpdate(
    ref: DueRef,
    from: { attempt: number; batch?: string } | { dueSk: string },
    to: ContactMove,
    nowIso: string,
  ) {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':state': to.state, ':now': nowIso };
    let condition: string;
    if ('attempt' in from) {
      values[':dialing'] = 'dialing';
      values[':a'] = from.attempt;
      condition = '#state = :dialing AND dialing.attempt = :a';
      if (from.batch !== undefined) {
        // `batch` is one of DynamoDB's reserved words.
        names['#batch'] = 'batch';
        values[':batch'] = from.batch;
        condition += ' AND dialing.#batch = :batch';
      }
    } else {
      values[':from'] = from.dueSk;
      condition = 'dueSk = :from';
    }
    const set = ['#state = :state', 'updatedAt = :now'];
    let remove: string[];
    if (to.kind === 'due') {
      const due = dueIndexKey(ref.campaignId, ref.zone, ref.shard, to.priority, to.dueAt, ref.phoneKey);
      Object.assign(values, {
        ':duePk': due.duePk,
        ':dueSk': due.dueSk,
        ':dueAt': to.dueAt,
        ':attempts': to.attempts,
        ':recent': to.recentAttempts,
      });
      set.push(
        'duePk = :duePk',
        'dueSk = :dueSk',
        'dueAt = :dueAt',
        'attempts = :attempts',
        'recentAttempts = :recent',
      );
      remove = ['dialing', 'prevState', 'dialFromSk'];
    } else {
      remove = ['duePk', 'dueSk', 'dueAt', 'dialing', 'prevState', 'dialFromSk'];
    }
    // The dialer took the contact further than any attempt's outcome had: no earlier attempt owns it any more
    // (ownsContact), so its late or repeated input cannot move it back.
    remove.push('outcomeAttempt');
    if (to.reason !== undefined) {
      values[':reason'] = to.reason;
      set.push('reason = :reason');
    }
    if (to.kind === 'due' && to.retryBasis !== undefined) {
      values[':basis'] = to.retryBasis;
      set.push('retryBasis = :basis');
    }
    if (to.attemptsByClass !== undefined) {
      values[':byClass'] = to.attemptsByClass;
      set.push('attemptsByClass = :byClass');
    }
    return {
      TableName: this.#table,
      Key: contactKey(ref.campaignId, ref.phoneKey),
      UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async claimTick(campaignId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean> {
    return this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: dialingStatsKey(campaignId),
          UpdateExpression: 'SET tickOwner = :owner, tickUntil = :until',
          ConditionExpression: 'attribute_not_exists(tickUntil) OR tickUntil <= :now OR tickOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ':until': untilIso, ':now': nowIso },
        }),
      ),
    );
  }

  async releaseTick(campaignId: string, owner: string): Promise<void> {
    await this.#conditional(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: dialingStatsKey(campaignId),
          UpdateExpression: 'REMOVE tickOwner, tickUntil',
          ConditionExpression: 'tickOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  async stats(campaignId: string): Promise<DialingStats> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: dialingStatsKey(campaignId), ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
    const s = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
    return {
      dials: n('dials'),
      pilotDials: n('pilotDials'),
      invalid: n('invalid'),
      exhausted: n('exhausted'),
      dnc: n('dnc'),
      expired: n('expired'),
      throttled: n('throttled'),
      lastThrottledAt: s('lastThrottledAt'),
      lastExpiredAt: s('lastExpiredAt'),
      connectError: item.connectError as DialingStats['connectError'],
      connectRetry: item.connectRetry as DialingStats['connectRetry'],
      retryRules: item.retryRules as DialingStats['retryRules'],
    };
  }

  async addStats(campaignId: string, delta: StatsDelta): Promise<void> {
    const update = statsUpdate(campaignId, delta);
    if (!update.UpdateExpression) return;
    await this.#client.send(new UpdateCommand({ TableName: this.#table, ...update }));
  }

  async setConnectError(campaignId: string, error: DialingStats['connectError'] | undefined): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: dialingStatsKey(campaignId),
        ...(error
          ? { UpdateExpression: 'SET connectError = :e', ExpressionAttributeValues: { ':e': error } }
          : { UpdateExpression: 'REMOVE connectError' }),
      }),
    );
  }

  async setConnectRetry(campaignId: string, retry: ConnectRetry | undefined): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: dialingStatsKey(campaignId),
        ...(retry
          ? { UpdateExpression: 'SET connectRetry = :r', ExpressionAttributeValues: { ':r': retry } }
          : { UpdateExpression: 'REMOVE connectRetry' }),
      }),
    );
  }

  async countDue(campaignId: string, zone: string, shard: number, fromSk: string, toSk: string): Promise<number> {
    const { duePk } = dueIndexKey(campaignId, zone, shard, 0, '', '');
    return this.#count(duePk, { from: fromSk, to: toSk });
  }

  async countInFlight(
    campaignId: string,
    maxContacts: number,
  ): Promise<{ byZone: Record<string, number>; exact: boolean }> {
    const byZone: Record<string, number> = {};
    let read = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      if (read >= maxContacts) return { byZone, exact: false };
      // Every batch not settled yet, oldest deadline first: those past it wait for the reconciler, the others are
      // the dials of the last half hour. A batch lists at most 25 dials.
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': dialBatchesPk(campaignId) },
          Limit: Math.max(1, Math.ceil((maxContacts - read) / 25)),
          ExclusiveStartKey: startKey,
        }),
      );
      const batches = (page.Items ?? []).map(batchRecordOf);
      const keys = [...new Set(batches.flatMap((b) => b.marks.map((m) => m.phoneKey)))];
      read += keys.length;
      const found = await batchGetAll(
        this.#client,
        this.#table,
        keys.map((k) => contactKey(campaignId, k)),
        {
          maxTries: MAX_TRIES,
          sleep: this.#sleep,
          exhausted: () => new DialingStoreError('in-flight reads stayed unprocessed after retries'),
        },
      );
      const items = new Map(found.map((item) => [String(item.pk).slice('PHONE#'.length), item]));
      for (const batch of batches) {
        for (const mark of batch.marks) {
          const item = items.get(mark.phoneKey);
          const dialing = item?.dialing as DialingField | undefined;
          if (item?.state !== 'dialing' || dialing?.batch !== batch.batchId || Number(dialing.attempt) !== mark.attempt)
            continue;
          const zone = String(item.zone);
          byZone[zone] = (byZone[zone] ?? 0) + 1;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { byZone, exact: true };
  }

  /**
   * From the LIST items' checkpoints: a loading list's contacts are in no index, so what waits is what it accepted less
   * what its release gave due keys. Intake saves a checkpoint every 20,000 rows and when a run stops, so while a list
   * reads its file the figure leaves out the rows since (a lower bound).
   */
  async loadingLists(campaignId: string): Promise<{ listId: string; pendingContacts: number }[]> {
    const out: { listId: string; pendingContacts: number }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :list)',
          FilterExpression: '#status = :loading',
          ProjectionExpression: 'sk, #cp.counts.accepted, #cp.released',
          ExpressionAttributeNames: { '#status': 'status', '#cp': 'checkpoint' },
          ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':list': 'LIST#', ':loading': 'loading' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const checkpoint = item.checkpoint as { counts?: { accepted?: unknown }; released?: unknown } | undefined;
        const accepted = Number(checkpoint?.counts?.accepted ?? 0);
        const released = Number(checkpoint?.released ?? 0);
        out.push({ listId: String(item.sk).slice('LIST#'.length), pendingContacts: Math.max(0, accepted - released) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async acceptedContacts(campaignId: string): Promise<number> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: campaignListTotalsKey(campaignId) }),
    );
    return typeof out.Item?.accepted === 'number' ? out.Item.accepted : 0;
  }

  async #count(duePk: string, range?: { from: string; to: string }): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'due',
          KeyConditionExpression: range ? 'duePk = :pk AND dueSk BETWEEN :lo AND :hi' : 'duePk = :pk',
          ExpressionAttributeValues: { ':pk': duePk, ...(range ? { ':lo': range.from, ':hi': range.to } : {}) },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /** Runs a conditional write; false when its condition failed (the item moved on), retrying throttling. */
  async #conditional(write: () => Promise<unknown>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        if (!isRetryable(error) || attempt >= MAX_TRIES) throw error;
        await this.#sleep(backoffMs(attempt + 1));
      }
    }
  }
}

const COUNT_FIELDS = ['dials', 'pilotDials', 'invalid', 'exhausted', 'dnc', 'expired', 'throttled'] as const;

function statsUpdate(campaignId: string, delta: StatsDelta) {
  const add: string[] = [];
  const set: string[] = [];
  const values: Record<string, unknown> = {};
  for (const field of COUNT_FIELDS) {
    const v = delta[field];
    if (v) {
      add.push(`${field} :${field}`);
      values[`:${field}`] = v;
    }
  }
  for (const field of ['lastThrottledAt', 'lastExpiredAt'] as const) {
    const v = delta[field];
    if (v !== undefined) {
      set.push(`${field} = :${field}`);
      values[`:${field}`] = v;
    }
  }
  const expression = [set.length ? `SET ${set.join(', ')}` : '', add.length ? `ADD ${add.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  return {
    Key: dialingStatsKey(campaignId),
    UpdateExpression: expression,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** Reads a contact item as intake and the dialer write it; intake leaves out fields that have defaults. */
export function parseContact(item: Record<string, unknown>): Contact | undefined {
  const parsed = contactSchema.safeParse({ updatedAt: item.createdAt, ...item });
  return parsed.success ? parsed.data : undefined;
}

function isRetryBasis(value: unknown): value is RetryBasis {
  const v = value as Partial<RetryBasis> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.from === 'string' &&
    typeof v.attemptsInClass === 'number' &&
    (RETRY_CLASSES as readonly string[]).includes(String(v.retryClass))
  );
}

function dncActive(status: Record<string, unknown> | undefined, nowIso: string): boolean {
  const dnc = status?.dnc as { until?: unknown } | undefined;
  if (!dnc || typeof dnc !== 'object') return false;
  return typeof dnc.until !== 'string' || dnc.until >= nowIso;
}

/** The due-index ref of a contact item's current index entry, if it has one. */
export function refOf(item: { duePk?: unknown; dueSk?: unknown }): DueRef | undefined {
  const part = parseDuePartition(String(item.duePk ?? ''));
  const sk = parseDueSortKey(String(item.dueSk ?? ''));
  if (!part || !sk) return undefined;
  return { ...part, ...sk, dueSk: String(item.dueSk) };
}

function cancellationCodes(error: unknown): string[] | undefined {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e.name === 'TransactionCanceledException'
    ? (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : undefined;
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

function backoffMs(attempt: number): number {
  return Math.floor(Math.random() * Math.min(2000, 25 * 2 ** attempt));
}

/** A contact's `dialing` field as the dispatcher writes it (`requestId` on marks written before dial batches). */
interface DialingField {
  attempt?: unknown;
  requestedAt?: unknown;
  batch?: unknown;
  pilot?: unknown;
  requestId?: unknown;
}

/** Closed batches (`<campaignId>|<batchId>` → accepted `<phoneKey>.<attempt>`) and batches counted but still open. */
interface BatchRecords {
  closed: Map<string, Set<string>>;
  open: Set<string>;
}

function acceptedOf(item: Record<string, unknown>): Set<string> {
  const accepted = item.accepted;
  return accepted instanceof Set ? new Set([...accepted].map(String)) : new Set();
}

/** A batch item as the reconciler reads it (batches findable by time). */
interface BatchRecord {
  batchId: string;
  deadline: string;
  marks: { phoneKey: string; attempt: number }[];
  /** Closed by its dispatcher (`closedAt`) or by the reconciler (`abandonedAt`): its dials were counted. */
  closed: boolean;
  /** Connect answered the batch: what it did not accept is in `unaccepted`. */
  answered: boolean;
  unaccepted: Set<string>;
}

function batchRecordOf(item: Record<string, unknown>): BatchRecord {
  const batchId = String(item.sk);
  const strings = (value: unknown) => (value instanceof Set ? [...value].map(String) : []);
  return {
    batchId,
    deadline: dialBatchDeadline(batchId),
    marks: strings(item.marks).flatMap((ref) => parseBatchDialRef(ref) ?? []),
    closed: typeof item.closedAt === 'string' || typeof item.abandonedAt === 'string',
    answered: typeof item.answeredAt === 'string',
    unaccepted: new Set(strings(item.unaccepted)),
  };
}

const expiresAt = (nowIso: string) => Math.floor(Date.parse(nowIso) / 1000) + BATCH_RETENTION_DAYS * 86_400;

/**
 * Whether the dial in flight of a legacy mark (found at priority 0 of the due index) was counted and whether Connect's
 * acceptance of it is on record:
 * - its batch is closed: counted; confirmed when the batch item lists it as accepted;
 * - its batch is open on the DIALING item: counted (the batch went to Connect or was about to), not confirmed;
 * - neither: the dispatcher stopped between marking and counting, so the batch never went to Connect. Unless the mark
 *   is older than a closed batch is kept: then the batch may have expired, and the dial is taken as placed so that
 *   its client token, whose deduplication by Connect may have lapsed, is never sent again;
 * - a mark written before dial batches: counted with the mark; confirmed by its own `requestId`.
 */
function inFlightRecord(
  ref: DueRef,
  state: unknown,
  dialing: DialingField | undefined,
  batches: BatchRecords,
  nowIso: string,
): { confirmed: boolean; counted: boolean } {
  if (state !== 'dialing' || !dialing) return { confirmed: false, counted: false };
  if (typeof dialing.requestId === 'string') return { confirmed: true, counted: true };
  if (typeof dialing.batch !== 'string') return { confirmed: false, counted: true };
  // Reconciled from its batch, not from here: nothing is concluded.
  if (!isLegacyBatchId(dialing.batch)) return { confirmed: false, counted: false };
  const id = `${ref.campaignId}|${dialing.batch}`;
  const accepted = batches.closed.get(id);
  if (accepted) {
    return { confirmed: accepted.has(batchDialRef(ref.phoneKey, Number(dialing.attempt))), counted: true };
  }
  if (batches.open.has(id)) return { confirmed: false, counted: true };
  const requestedAt = typeof dialing.requestedAt === 'string' ? Date.parse(dialing.requestedAt) : Number.NaN;
  const mayHaveExpired = !(Date.parse(nowIso) - requestedAt < (BATCH_RETENTION_DAYS - 1) * DAY_MS);
  return { confirmed: mayHaveExpired, counted: mayHaveExpired };
}

/**
 * Runs `work` on every item, at most `limit` at a time, and waits for all of them even when one fails (so no write is
 * still going on when the caller moves on), then throws the first failure. Answers in the items' order.
 */
async function settleAll<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        try {
          out[k] = await work(items[k] as T);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}
