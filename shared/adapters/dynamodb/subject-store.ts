import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  attemptRef,
  connectContactKey,
  orderFormKey,
  orderKey,
  phonePartition,
  phoneStatusKey,
  qaItemKey,
} from '#shared/adapters/dynamodb/keys';
import type { DncEvidence, ErasureCounts, SubjectRecord, SubjectStore } from '#shared/ports/subject-store';

export interface DynamoDbSubjectStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Default: real timers; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

const CONTACT_SK = /^CONTACT#([^#]+)$/;
const ATTEMPT_SK = /^CONTACT#([^#]+)#ATTEMPT#(\d+)$/;
const KEY_ATTRIBUTES = ['pk', 'sk', 'duePk', 'dueSk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];
const MAX_TRIES = 10;

/**
 * The subject's records in the single table: one Query of `PHONE#<phoneKey>` (docs/data-model.md access pattern 27),
 * plus the orders its sales created and the QA items of its sampled calls, found by the attempts' refs.
 */
export class DynamoDbSubjectStore implements SubjectStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(config: DynamoDbSubjectStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async find(phoneKey: string): Promise<SubjectRecord[]> {
    const records: SubjectRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': phonePartition(phoneKey) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const record = classify(item);
        if (record) records.push(record);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    const refs = records
      .filter((r) => r.kind === 'attempt')
      .map((r) => attemptRef(r.campaignId ?? '', phoneKey, r.attempt ?? 0));
    // A sale's order id and a sampled call's QA item are both named by the attempt's ref.
    const [orderItems, qaItems] = await Promise.all([
      this.#getByRef(refs, orderKey, 'orders'),
      this.#getByRef(refs, qaItemKey, 'QA calls'),
    ]);
    for (const qa of qaItems) {
      records.push({
        kind: 'qa',
        campaignId: String(qa.campaignId ?? ''),
        data: stripKeys(qa),
      });
    }
    for (const order of orderItems) {
      records.push({
        kind: 'order',
        campaignId: String(order.campaignId ?? ''),
        ...(typeof order.attempt === 'number' ? { attempt: order.attempt } : {}),
        data: stripKeys(order),
      });
    }
    return records;
  }

  async suppress(phoneKey: string, dnc: DncEvidence): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: phoneStatusKey(phoneKey),
        UpdateExpression: 'SET dnc = if_not_exists(dnc, :dnc), erasedAt = :at REMOVE allocCampaignId, allocUntil',
        ExpressionAttributeValues: { ':dnc': dnc, ':at': dnc.at },
      }),
    );
  }

  async erase(phoneKey: string, records: readonly SubjectRecord[], at: string): Promise<ErasureCounts> {
    const deletes: Array<{ pk: string; sk: string }> = [];
    let contacts = 0;
    let attempts = 0;
    for (const r of records) {
      if (r.kind === 'contact') {
        contacts++;
        deletes.push({ pk: phonePartition(phoneKey), sk: `CONTACT#${r.campaignId}` });
      } else if (r.kind === 'attempt') {
        attempts++;
        deletes.push({
          pk: phonePartition(phoneKey),
          sk: `CONTACT#${r.campaignId}#ATTEMPT#${String(r.attempt).padStart(3, '0')}`,
        });
        // The link from the Connect contact id names the attempt (and so the phone key): it goes with it.
        if (typeof r.data.connectContactId === 'string') deletes.push(connectContactKey(r.data.connectContactId));
      }
    }
    await this.#deleteAll(deletes);
    let orders = 0;
    for (const r of records) {
      if (r.kind !== 'order') continue;
      const orderId = String(r.data.orderId ?? '');
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: orderKey(orderId),
          UpdateExpression: 'SET customer = :none, erasedAt = :at REMOVE deliveryAddress, deliveryWindow',
          ExpressionAttributeValues: { ':none': {}, ':at': at },
        }),
      );
      // The stored order form is the e-mail sent to the store, with the customer's name and address in it.
      await this.#client.send(new DeleteCommand({ TableName: this.#table, Key: orderFormKey(orderId) }));
      orders++;
    }
    let qaCalls = 0;
    for (const r of records) {
      if (r.kind !== 'qa') continue;
      // The scores stay (they are about the agent); what leads to the customer's voice and Connect's record goes.
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: qaItemKey(String(r.data.attemptRef ?? '')),
            UpdateExpression: 'SET customerErasedAt = :at REMOVE recording, connectContactId',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
      qaCalls++;
    }
    return { contacts, attempts, orders, qaCalls };
  }

  async #getByRef(
    refs: readonly string[],
    key: (ref: string) => { pk: string; sk: string },
    what: string,
  ): Promise<Array<Record<string, unknown>>> {
    return batchGetAll(
      this.#client,
      this.#table,
      refs.map((ref) => key(ref)),
      {
        consistentRead: true,
        maxTries: MAX_TRIES,
        sleep: this.#sleep,
        exhausted: () => new Error(`reading the subject’s ${what} kept being throttled`),
      },
    );
  }

  async #deleteAll(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let tries = 0; requests.length > 0; tries++) {
        if (tries >= MAX_TRIES) throw new Error('erasing the subject’s items kept being throttled');
        if (tries > 0) await this.#sleep(backoff(tries));
        const out = await this.#client.send(new BatchWriteCommand({ RequestItems: { [this.#table]: requests } }));
        requests = (out.UnprocessedItems?.[this.#table] ?? []) as typeof requests;
      }
    }
  }
}

function classify(item: Record<string, unknown>): SubjectRecord | undefined {
  const sk = String(item.sk ?? '');
  if (sk === 'STATUS') return { kind: 'status', data: stripKeys(item) };
  const attempt = ATTEMPT_SK.exec(sk);
  if (attempt) {
    return { kind: 'attempt', campaignId: attempt[1] ?? '', attempt: Number(attempt[2]), data: stripKeys(item) };
  }
  const contact = CONTACT_SK.exec(sk);
  if (contact) return { kind: 'contact', campaignId: contact[1] ?? '', data: stripKeys(item) };
  return undefined;
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k)));
}

function backoff(tries: number): number {
  return Math.min(1_000, 25 * 2 ** tries) * (0.5 + Math.random() / 2);
}
