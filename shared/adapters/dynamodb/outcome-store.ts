import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { packFacts, unpackFacts } from '#shared/adapters/dynamodb/attempt-blob';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  agentKey,
  attemptKey,
  attemptsOfAgentDayIndexKey,
  campaignKey,
  connectContactKey,
  contactKey,
  dueIndexKey,
  dueShard,
  phonePartition,
  phoneStatusKey,
} from '#shared/adapters/dynamodb/keys';
import { type Campaign, campaignSchema } from '#shared/domain/campaign';
import type { ContactView } from '#shared/domain/outcomes/derive';
import type {
  AttemptId,
  OutcomeReadOptions,
  OutcomeSnapshot,
  OutcomeStore,
  OutcomeWrite,
  PhoneContact,
  StoredAttempt,
} from '#shared/ports/outcome-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems' limit; a number held by more pending contacts than fit has the rest caught at dial time. */
const MAX_ACTIONS = 100;
const MAX_BATCH_GET_ROUNDS = 8;
const DAY_MS = 86_400_000;

export interface DynamoDbOutcomeStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days an attempt item is kept (TTL), counted from its end. Default 730 (Connect keeps contact data 24 months). */
  retentionDays?: number;
}

/** A stored item could not be read back as what this adapter wrote. */
export class OutcomeItemInvalidError extends Error {
  override readonly name = 'OutcomeItemInvalidError';
}

/**
 * Attempts and contacts in the main table (docs/data-model.md, patterns 14–16, docs/outcomes.md). A read is one
 * BatchGetItem (attempt, contact, and when asked the campaign and the agent profile); a write is one conditional
 * UpdateItem of the attempt, or a TransactWriteItems when the contact or the number's DNC entry moves with it, whose
 * attempt condition (`version`) makes concurrent or repeated writers serialise. The counters are not written here:
 * the attempt keeps what it has counted, and the table's stream applies the difference (counter-ledger.ts).
 */
export class DynamoDbOutcomeStore implements OutcomeStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #retentionDays: number;

  constructor(config: DynamoDbOutcomeStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#retentionDays = config.retentionDays ?? 730;
  }

  async findByConnectContactId(connectContactId: string): Promise<AttemptId | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: connectContactKey(connectContactId),
        ProjectionExpression: 'campaignId, phoneKey, attempt',
      }),
    );
    if (!item) return undefined;
    return { campaignId: String(item.campaignId), phoneKey: String(item.phoneKey), attempt: Number(item.attempt) };
  }

  async read(id: AttemptId, options: OutcomeReadOptions): Promise<OutcomeSnapshot> {
    const keys: Record<string, string>[] = [
      attemptKey(id.campaignId, id.phoneKey, id.attempt),
      contactKey(id.campaignId, id.phoneKey),
    ];
    if (options.campaign) keys.push(campaignKey(id.campaignId));
    if (options.agentId) keys.push(agentKey(options.agentId));
    if (options.erasure) keys.push(phoneStatusKey(id.phoneKey));
    const found = await batchGetAll(this.#client, this.#table, keys, {
      // Eventually consistent when the recorder asks for it (half the read units): it does so for an input's first
      // read only, and checks what a stale read could hide (record-outcome.ts, `#staleRisk`).
      consistentRead: options.consistent ?? true,
      maxTries: MAX_BATCH_GET_ROUNDS,
      exhausted: () => new OutcomeItemInvalidError('attempt read stayed unprocessed'),
    });
    const items = new Map(found.map((item) => [`${item.pk}|${item.sk}`, item]));
    const get = (k: { pk: string; sk: string }) => items.get(`${k.pk}|${k.sk}`);
    const snap: OutcomeSnapshot = {};
    const attemptItem = get(attemptKey(id.campaignId, id.phoneKey, id.attempt));
    if (attemptItem && typeof attemptItem.version === 'number') snap.attempt = toStoredAttempt(id, attemptItem);
    const contactItem = get(contactKey(id.campaignId, id.phoneKey));
    if (contactItem) snap.contact = toContactView(contactItem);
    if (options.campaign) {
      const item = get(campaignKey(id.campaignId));
      if (item) snap.campaign = toCampaign(item);
    }
    if (options.agentId) {
      const profile = get(agentKey(options.agentId));
      snap.agentTeam = typeof profile?.teamId === 'string' ? profile.teamId : null;
    }
    if (options.erasure) snap.erased = typeof get(phoneStatusKey(id.phoneKey))?.erasedAt === 'string';
    return snap;
  }

  async phoneContacts(phoneKey: string): Promise<PhoneContact[]> {
    const contacts: PhoneContact[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :contact)',
          ExpressionAttributeValues: { ':pk': phonePartition(phoneKey), ':contact': 'CONTACT#' },
          ExpressionAttributeNames: { '#state': 'state' },
          ProjectionExpression: 'sk, campaignId, #state',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        // Attempts sort under their contact (CONTACT#<campaign>#ATTEMPT#nnn); only contacts are wanted.
        if (String(item.sk).includes('#ATTEMPT#')) continue;
        contacts.push({ campaignId: String(item.campaignId), state: item.state as PhoneContact['state'] });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return contacts;
  }

  async write(w: OutcomeWrite): Promise<boolean> {
    // Before the attempt's write and outside its transaction (a plain put costs half and keeps a lone attempt update
    // out of a transaction): the link only says which attempt a contact id is, so putting it again, or ahead of a
    // write that loses its race, is harmless.
    if (w.linkConnectContactId) await this.#putLink(w.linkConnectContactId, w.attempt.id, w.at);
    if (w.contact && !w.dnc) return this.#writeAttemptThenContact(w);
    const actions: TransactItem[] = [this.#attemptUpdate(w)];
    if (w.contact) actions.push(this.#contactUpdate(w));
    if (w.dnc) {
      const { phoneKey } = w.attempt.id;
      actions.push({
        Update: {
          TableName: this.#table,
          Key: phoneStatusKey(phoneKey),
          UpdateExpression: 'SET dnc = :entry',
          ExpressionAttributeValues: { ':entry': w.dnc.entry },
        },
      });
      for (const c of w.dnc.contacts.slice(0, MAX_ACTIONS - actions.length)) {
        actions.push({
          Update: {
            TableName: this.#table,
            Key: contactKey(c.campaignId, phoneKey),
            UpdateExpression: 'SET #state = :dnc, reason = :reason, updatedAt = :now REMOVE duePk, dueSk, dueAt',
            ConditionExpression: '#state = :observed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':dnc': 'dnc',
              ':reason': `do not call (${w.dnc.entry.source})`,
              ':now': w.at,
              ':observed': c.state,
            },
          },
        });
      }
    }
    try {
      const [only] = actions;
      // An input that changes only the attempt (call starts, contact events, a CTR that only moves counts, an after-work
      // version) needs no transaction: one conditional UpdateItem is as atomic and costs half (transactional writes
      // bill 2 units per KB). Its counts follow from the stream record of this write.
      if (actions.length === 1 && only?.Update) await this.#client.send(new UpdateCommand(only.Update));
      else await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      // A failed condition or a concurrent transaction on the same items: the caller reads again and retries.
      if (
        name === 'TransactionCanceledException' ||
        name === 'TransactionConflictException' ||
        name === 'ConditionalCheckFailedException'
      )
        return false;
      throw error;
    }
  }

  /**
   * A contact move without a DNC entry: two single conditional writes instead of one transaction, which bills every
   * item twice. The attempt goes first, under its version condition; the race is decided there. The contact follows,
   * conditioned on this attempt owning it and on no later version of it having moved it (`outcomeVersion`), so a
   * slower writer never puts back an older plan. A crash between the two leaves the attempt recorded and the contact
   * not yet moved: the recorder plans the move from the attempt again on the next input of the call, the redelivered
   * one, or the stale-dial reconciler's lookup, since a contact that does not match the attempt's plan is a change
   * (docs/outcomes.md).
   */
  async #writeAttemptThenContact(w: OutcomeWrite): Promise<boolean> {
    try {
      await this.#client.send(new UpdateCommand(this.#attemptUpdate(w).Update as UpdateCommandInput));
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
    try {
      await this.#client.send(new UpdateCommand(this.#contactUpdate(w).Update as UpdateCommandInput));
    } catch (error) {
      // A later version of this attempt moved the contact first, or it is no longer this attempt's (erased, made DNC
      // by another campaign's call): the attempt is recorded either way and the contact is where it should be.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
    return true;
  }

  async markOrderPublished(id: AttemptId): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: attemptKey(id.campaignId, id.phoneKey, id.attempt),
        UpdateExpression: 'SET orderPublished = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async forget(id: AttemptId, connectContactId: string): Promise<void> {
    // Deletes (REMOVE stream records) count nothing: the counters keep what the attempt had counted.
    await Promise.all(
      [attemptKey(id.campaignId, id.phoneKey, id.attempt), connectContactKey(connectContactId)].map((Key) =>
        this.#client.send(new DeleteCommand({ TableName: this.#table, Key })),
      ),
    );
  }

  async #putLink(connectContactId: string, id: AttemptId, at: string): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          ...connectContactKey(connectContactId),
          campaignId: id.campaignId,
          phoneKey: id.phoneKey,
          attempt: id.attempt,
          expiresAt: this.#expiresAt(at),
        },
      }),
    );
  }

  #expiresAt(from: string): number {
    return Math.floor(Date.parse(from) / 1000) + this.#retentionDays * (DAY_MS / 1000);
  }

  #attemptUpdate(w: OutcomeWrite): TransactItem {
    const a = w.attempt;
    const s = w.summary;
    const end = s.endedAt ?? s.startedAt;
    // Write units are per started KB of the whole item, on each of the attempt's writes (several a call): what the
    // key already says (campaign, phone key, attempt number) and what no reader needs outside the facts (start and
    // end times) is not kept beside them, so that a reached call with its disposition stays within one KB.
    const set: Record<string, unknown> = {
      version: a.version,
      // The facts and what was counted feed the recorder, and the counters' stream handler (the difference between
      // two images' counts): one deflated blob (attempt-blob.ts), since write units are per started KB of the item.
      fz: packFacts(a.id.campaignId, a.facts, a.counted),
      team: a.team,
      // The recorder resolves the team for the attempt's agent (`agentId` below): only another agent is worth keeping.
      teamAgentId: a.teamAgentId !== s.agentId ? a.teamAgentId : undefined,
      finalizedAt: a.finalizedAt,
      orderPublished: a.orderPublished,
      disposition: a.facts.disposition?.code,
      connectContactId: s.connectContactId,
      agentId: s.agentId,
      day: s.day,
      outcome: s.outcome,
      effective: s.effective,
      talkSeconds: s.talkSeconds,
      // Kept only when set (most calls are neither), so they cost nothing on the others.
      complaint: s.complaint === true ? true : undefined,
      doNotCall: s.doNotCall === true ? true : undefined,
      expiresAt: end ? this.#expiresAt(end) : undefined,
      ...(s.agentId && s.day ? attemptsOfAgentDayIndexKey(s.agentId, s.day, a.id.campaignId) : {}),
    };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expected': w.expectedVersion };
    const parts: string[] = [];
    for (const [k, v] of Object.entries(set)) {
      if (v === undefined) continue;
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      parts.push(`#${k} = :${k}`);
    }
    // What older items carried: gone on their next change, so no index copies them again and no write pays for them;
    // and the flags a changed disposition no longer has.
    const legacy = [
      'counted',
      'order',
      'facts',
      'teamAgentId',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'campaignId',
      'phoneKey',
      'attempt',
      'startedAt',
      'endedAt',
      'complaint',
      'doNotCall',
    ].filter((k) => set[k] === undefined);
    for (const k of legacy) names[`#${k}`] = k;
    return {
      Update: {
        TableName: this.#table,
        Key: attemptKey(a.id.campaignId, a.id.phoneKey, a.id.attempt),
        UpdateExpression: `SET ${parts.join(', ')} REMOVE ${legacy.map((k) => `#${k}`).join(', ')}`,
        ConditionExpression: w.expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: w.expectedVersion === 0 ? omit(values, ':expected') : values,
      },
    };
  }

  #contactUpdate(w: OutcomeWrite): TransactItem {
    const c = w.contact as NonNullable<OutcomeWrite['contact']>;
    const { campaignId, phoneKey } = w.attempt.id;
    const set = [
      '#state = :state',
      'attemptsByClass = :byClass',
      'outcomeAttempt = :n',
      'outcomeVersion = :v',
      'updatedAt = :now',
    ];
    const remove = ['dialing'];
    const values: Record<string, unknown> = {
      ':state': c.state,
      ':byClass': c.attemptsByClass,
      ':n': c.attempt,
      ':v': w.attempt.version,
      ':now': w.at,
      ':dialing': 'dialing',
      ...Object.fromEntries(OWNED_STATES.map((s, i) => [`:o${i}`, s])),
    };
    const optional = (name: string, value: unknown) => {
      if (value === undefined) remove.push(name);
      else {
        set.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
    };
    optional('outcomeClass', c.outcomeClass);
    optional('callback', c.callback);
    optional('retryBasis', c.retryBasis);
    optional('reason', c.reason);
    optional('dueAt', c.dueAt);
    if (c.dueAt !== undefined && c.priority !== undefined) {
      const due = dueIndexKey(campaignId, c.zone, dueShard(phoneKey), c.priority, c.dueAt, phoneKey);
      set.push('duePk = :duePk', 'dueSk = :dueSk');
      values[':duePk'] = due.duePk;
      values[':dueSk'] = due.dueSk;
    } else remove.push('duePk', 'dueSk');
    return {
      Update: {
        TableName: this.#table,
        Key: contactKey(campaignId, phoneKey),
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        // Owned by this attempt: still dialing it, or moved by it before — then only by an earlier version of it.
        ConditionExpression: `(#state = :dialing AND dialing.attempt = :n) OR (attribute_not_exists(dialing) AND outcomeAttempt = :n AND #state IN (${OWNED_STATES.map((_, i) => `:o${i}`).join(', ')}) AND (attribute_not_exists(outcomeVersion) OR outcomeVersion < :v))`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      },
    };
  }
}

/** Mirrors `ownsContact` in the domain: the states an outcome may have set. */
const OWNED_STATES = ['retryWait', 'callback', 'doneSuccess', 'doneRefused', 'invalid', 'exhausted'] as const;

function omit<T extends Record<string, unknown>>(value: T, key: string): T {
  const { [key]: _dropped, ...rest } = value;
  return rest as T;
}

const pick = ({ facts, counted }: { facts: StoredAttempt['facts']; counted: StoredAttempt['counted'] }) => ({
  facts,
  counted,
});

function toStoredAttempt(id: AttemptId, item: Record<string, unknown>): StoredAttempt {
  return {
    id,
    version: item.version as number,
    ...(item.fz instanceof Uint8Array
      ? pick(unpackFacts(id.campaignId, item.fz))
      : {
          facts: (item.facts ?? {}) as StoredAttempt['facts'],
          counted: (item.counted ?? []) as StoredAttempt['counted'],
        }),
    team: item.team as string | undefined,
    // Older items kept the agent the team was resolved for; newer ones resolve it for the attempt's agent.
    teamAgentId: (item.teamAgentId ?? (item.team === undefined ? undefined : item.agentId)) as string | undefined,
    finalizedAt: item.finalizedAt as string | undefined,
    orderPublished: item.orderPublished as boolean | undefined,
  };
}

function toContactView(item: Record<string, unknown>): ContactView {
  const attributes = (item.attributes ?? {}) as { name?: string; company?: string };
  return {
    campaignId: String(item.campaignId),
    phoneKey: String(item.phoneKey),
    zone: String(item.zone ?? ''),
    state: item.state as ContactView['state'],
    attemptsByClass: item.attemptsByClass as Record<string, number> | undefined,
    dialing: item.dialing as { attempt: number } | undefined,
    outcomeAttempt: item.outcomeAttempt as number | undefined,
    outcomeClass: item.outcomeClass as string | undefined,
    dueAt: item.dueAt as string | undefined,
    recentAttempts: Array.isArray(item.recentAttempts) ? (item.recentAttempts as string[]) : undefined,
    callback: item.callback as ContactView['callback'],
    retryBasis: item.retryBasis as ContactView['retryBasis'],
    attributes: { name: attributes.name, company: attributes.company },
  };
}

function toCampaign(item: Record<string, unknown>): Campaign {
  const parsed = campaignSchema.safeParse(item);
  if (!parsed.success)
    throw new OutcomeItemInvalidError(`stored campaign ${String(item.pk)} does not match the schema`);
  return parsed.data;
}
