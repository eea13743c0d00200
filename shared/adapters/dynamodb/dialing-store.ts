import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  campaignZonesKey,
  dialingStatsKey,
  parseDuePartition,
  parseDueSortKey,
} from '#shared/adapters/dynamodb/dialing-keys';
import {
  campaignListTotalsKey,
  contactKey,
  DUE_SHARDS,
  dueIndexKey,
  pendingIndexPk,
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
  StatsDelta,
} from '#shared/ports/contact-dialing';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_TRIES = 8;
const MOVE_CONCURRENCY = 8;

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
 * BatchGetItem for contacts and their STATUS items, one TransactWriteItems per batch of marks, each conditional on
 * the index entry it was selected with.
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
    const answer: DialingContact[] = [];
    for (const ref of refs) {
      const key = contactKey(ref.campaignId, ref.phoneKey);
      const item = items.get(`${key.pk}|${key.sk}`);
      if (!item) continue;
      const contact = parseContact(item);
      if (!contact) continue;
      const status = items.get(`${key.pk}|STATUS`);
      const dialing = item.dialing as { requestId?: unknown; pilot?: unknown } | undefined;
      answer.push({
        ref,
        contact,
        doNotCall: dncActive(status, nowIso),
        inFlight: {
          requestId: typeof dialing?.requestId === 'string' ? dialing.requestId : undefined,
          fromSk: typeof item.dialFromSk === 'string' ? item.dialFromSk : undefined,
          prevState: typeof item.prevState === 'string' ? (item.prevState as Contact['state']) : undefined,
          pilot: dialing?.pilot === true,
        },
        ...(isRetryBasis(item.retryBasis) ? { retryBasis: item.retryBasis } : {}),
      });
    }
    return answer;
  }

  async markDialing(
    campaignId: string,
    marks: readonly DialMark[],
    stats: StatsDelta,
    nowIso: string,
  ): Promise<DialMark[]> {
    let pending = [...marks];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_TRIES) throw new DialingStoreError('marking contacts kept failing after retries');
      const actions: TransactItem[] = pending.map((m) => this.#markAction(m, nowIso, Boolean(stats.pilotDials)));
      const delta = { ...stats, dials: pending.length, ...(stats.pilotDials ? { pilotDials: pending.length } : {}) };
      actions.push({ Update: { TableName: this.#table, ...statsUpdate(campaignId, delta) } });
      try {
        await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
        return pending;
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (!reasons && !isRetryable(error)) throw error;
        // A contact whose index entry moved since it was selected (an outcome, a concurrent tick) is not ours to dial.
        const lost = new Set(pending.filter((_, k) => reasons?.[k] === 'ConditionalCheckFailed'));
        if (lost.size === 0) await this.#sleep(backoffMs(attempt + 1));
        pending = pending.filter((m) => !lost.has(m));
      }
    }
    return [];
  }

  #markAction(m: DialMark, nowIso: string, pilot: boolean): TransactItem {
    const due = dueIndexKey(m.ref.campaignId, m.ref.zone, m.ref.shard, 0, m.deadline, m.ref.phoneKey);
    return {
      Update: {
        TableName: this.#table,
        Key: contactKey(m.ref.campaignId, m.ref.phoneKey),
        UpdateExpression:
          'SET #state = :dialing, attempts = :attempt, recentAttempts = :recent, dialing = :d, dueSk = :sk, ' +
          'dueAt = :deadline, updatedAt = :now, prevState = :prev, dialFromSk = :from',
        ConditionExpression: 'dueSk = :from AND #state = :prev',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':dialing': 'dialing',
          ':attempt': m.attempt,
          ':recent': m.recentAttempts,
          // `pilot`: this dial is in `pilotDials`, so undoing the mark takes it off there too.
          ':d': {
            attempt: m.attempt,
            requestedAt: m.requestedAt,
            expiresAt: m.expiresAt,
            ...(pilot ? { pilot: true } : {}),
          },
          ':sk': due.dueSk,
          ':deadline': m.deadline,
          ':now': nowIso,
          ':prev': m.contact.state,
          ':from': m.ref.dueSk,
        },
      },
    };
  }

  async recordAccepted(accepted: readonly { mark: DialMark; requestId: string }[], nowIso: string): Promise<void> {
    if (accepted.length === 0) return;
    const updates = accepted.map(({ mark, requestId }) => ({
      TableName: this.#table,
      Key: contactKey(mark.ref.campaignId, mark.ref.phoneKey),
      UpdateExpression: 'SET dialing.requestId = :id, dialing.acceptedAt = :now',
      ConditionExpression: '#state = :dialing AND dialing.attempt = :a',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':id': requestId, ':now': nowIso, ':dialing': 'dialing', ':a': mark.attempt },
    }));
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: updates.map((Update) => ({ Update })) }));
    } catch (error) {
      if (!cancellationCodes(error) && !isRetryable(error)) throw error;
      // One contact's outcome arrived first (its state moved on): record the others one by one.
      await inParallel(updates, MOVE_CONCURRENCY, async (u) => {
        await this.#conditional(() => this.#client.send(new UpdateCommand(u)));
      });
    }
  }

  async move(
    moves: readonly { ref: DueRef; from: { attempt: number } | { dueSk: string }; to: ContactMove }[],
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
          Update: this.#moveUpdate(m.ref, { attempt: m.attempt }, m.to, nowIso),
        }));
        const delta: StatsDelta = {
          ...extra,
          dials: (extra?.dials ?? 0) - pending.length,
          pilotDials: (extra?.pilotDials ?? 0) - pending.filter((m) => m.pilot).length,
        };
        actions.push({ Update: { TableName: this.#table, ...statsUpdate(campaignId, delta) } });
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
  #moveUpdate(ref: DueRef, from: { attempt: number } | { dueSk: string }, to: ContactMove, nowIso: string) {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':state': to.state, ':now': nowIso };
    let condition: string;
    if ('attempt' in from) {
      values[':dialing'] = 'dialing';
      values[':a'] = from.attempt;
      condition = '#state = :dialing AND dialing.attempt = :a';
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

  async loadingLists(campaignId: string): Promise<{ listId: string; pendingContacts: number }[]> {
    const lists: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :list)',
          FilterExpression: '#status = :loading',
          ProjectionExpression: 'listId, sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':list': 'LIST#', ':loading': 'loading' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) lists.push(String(item.sk).slice('LIST#'.length));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const out: { listId: string; pendingContacts: number }[] = [];
    for (const listId of lists) {
      let pendingContacts = 0;
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        pendingContacts += await this.#count(pendingIndexPk(campaignId, listId, shard));
      }
      out.push({ listId, pendingContacts });
    }
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

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}
