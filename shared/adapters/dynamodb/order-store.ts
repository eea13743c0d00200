import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { counterAddAction } from '#shared/adapters/dynamodb/counter-add';
import {
  contactKey,
  counterKey,
  courierDayKey,
  DUE_PRIORITIES,
  dueIndexKey,
  dueShard,
  ORDER_EVENT_PREFIX,
  orderEventKey,
  orderFormKey,
  orderKey,
  ordersOfAgentIndexKey,
  ordersOfCampaignDayIndexKey,
  phoneStatusKey,
  returnReasonsKey,
  sentMarkerKey,
} from '#shared/adapters/dynamodb/keys';
import { DynamoDbSendOnceMarkers } from '#shared/adapters/dynamodb/send-once-markers';
import { type Contact, contactAttributesSchema, NUMBER_TYPES } from '#shared/domain/contact';
import { COUNTER_FIELDS, type Counters, sumCounters } from '#shared/domain/counters';
import {
  type Order,
  type OrderEvent,
  orderEventSchema,
  orderSchema,
  RETURN_REASONS,
} from '#shared/domain/orders/order';
import type { VisitPriority } from '#shared/domain/orders/return-visit';
import type { SentMarker } from '#shared/ports/agent-store';
import type { CounterAdd, OrderStore, SourceContact, TransitionExtras } from '#shared/ports/order-store';
import type { OrderFormMarkers } from '#shared/use-cases/orders/deps';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface DynamoDbOrderStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** For the DNC expiry check of `sourceContact`. Default: the system clock. */
  now?: () => Date;
}

/** An item read back does not match its schema: a bug or a manual edit. */
export class StoredOrderInvalidError extends Error {
  override readonly name = 'StoredOrderInvalidError';
}

/**
 * Orders in the main table (docs/data-model.md patterns 25–26, docs/orders.md). Creation and every transition are one
 * TransactWriteItems whose first action carries the condition (`attribute_not_exists(pk)`, `version = :expected`), so
 * a duplicate or a lost race writes nothing — neither the event nor a counter.
 */
export class DynamoDbOrderStore implements OrderStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => Date;

  constructor(config: DynamoDbOrderStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#now = config.now ?? (() => new Date());
  }

  async create(order: Order, event: OrderEvent, counters: readonly CounterAdd[]): Promise<boolean> {
    return this.#transact([
      {
        Put: { TableName: this.#table, Item: this.#orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' },
      },
      this.#eventPut(event),
      ...counters.map((c) => counterAddAction(this.#table, c)),
    ]);
  }

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: orderKey(orderId), ConsistentRead: true }),
    );
    return Item ? parseOrder(Item) : undefined;
  }

  async history(orderId: string): Promise<OrderEvent[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ':e': ORDER_EVENT_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => orderEventSchema.parse(item));
  }

  async transition(next: Order, expectedVersion: number, event: OrderEvent, extras: TransitionExtras) {
    const actions: TransactItem[] = [
      {
        Put: {
          TableName: this.#table,
          Item: this.#orderItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      this.#eventPut(event),
      ...extras.counters.map((c) => counterAddAction(this.#table, c)),
    ];
    if (extras.courierDelivery) {
      const { courierId, day } = extras.courierDelivery;
      actions.push({
        Update: {
          TableName: this.#table,
          Key: courierDayKey(courierId, day),
          UpdateExpression: 'SET courierId = :c, #day = :d ADD deliveries :one',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':c': courierId, ':d': day, ':one': 1 },
        },
      });
    }
    if (extras.returnReason) {
      const { campaignId, day, reason } = extras.returnReason;
      actions.push({
        Update: {
          TableName: this.#table,
          Key: returnReasonsKey(campaignId, day),
          UpdateExpression: 'SET #day = :d ADD #r :one',
          ExpressionAttributeNames: { '#day': 'day', '#r': reason },
          ExpressionAttributeValues: { ':d': day, ':one': 1 },
        },
      });
    }
    return this.#transact(actions);
  }

  async setFollowUp(orderId: string, followUp: NonNullable<Order['followUp']>): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: orderKey(orderId),
        UpdateExpression: 'SET followUp = :f',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':f': followUp },
      }),
    );
  }

  async listByCampaignDay(campaignId: string, day: string): Promise<Order[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': ordersOfCampaignDayIndexKey(campaignId, day, '').gsi1pk },
    });
    return items.map(parseOrder);
  }

  async listByAgent(agentId: string, from: string, to: string): Promise<Order[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':p': ordersOfAgentIndexKey(agentId, from, '').gsi2pk,
        ':from': `${from}#`,
        ':to': `${to}#~`,
      },
    });
    return items.map(parseOrder);
  }

  async sourceContact(campaignId: string, phoneKey: string): Promise<SourceContact | undefined> {
    const [contact, status] = await Promise.all([
      this.#client.send(new GetCommand({ TableName: this.#table, Key: contactKey(campaignId, phoneKey) })),
      this.#client.send(new GetCommand({ TableName: this.#table, Key: phoneStatusKey(phoneKey) })),
    ]);
    const item = contact.Item;
    if (!item || typeof item.e164 !== 'string') return undefined;
    const dnc = status.Item?.dnc as { until?: string } | undefined;
    const now = this.#now().toISOString();
    // TTL deletion lags, so an expired entry is re-checked here (docs/data-model.md).
    const doNotCall = dnc !== undefined && (dnc.until === undefined || dnc.until > now);
    const numberType = NUMBER_TYPES.find((t) => t === item.numberType) ?? 'other';
    const attributes = contactAttributesSchema.safeParse(item.attributes ?? {});
    const at = String(item.updatedAt ?? item.createdAt ?? now);
    return {
      doNotCall,
      contact: {
        campaignId,
        phoneKey,
        e164: item.e164,
        numberType,
        zone: String(item.zone ?? ''),
        listId: String(item.listId ?? ''),
        row: Number(item.row ?? 1),
        attributes: attributes.success ? attributes.data : { extra: {} },
        state: item.state as Contact['state'],
        attempts: Number(item.attempts ?? 0),
        attemptsByClass: {},
        recentAttempts: [],
        createdAt: String(item.createdAt ?? at),
        updatedAt: at,
      },
    };
  }

  async addVisitContact(contact: Contact, priority: VisitPriority): Promise<boolean> {
    const dueAt = contact.dueAt;
    if (!dueAt) throw new Error('a visit contact needs dueAt');
    const item = {
      ...contactKey(contact.campaignId, contact.phoneKey),
      ...dueIndexKey(
        contact.campaignId,
        contact.zone,
        dueShard(contact.phoneKey),
        DUE_PRIORITIES[priority],
        dueAt,
        contact.phoneKey,
      ),
      ...contact,
    };
    try {
      await this.#client.send(
        new PutCommand({ TableName: this.#table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async saveForm(orderId: string, form: { subject: string; text: string; html: string; to: string }): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...orderFormKey(orderId), entity: 'orderForm', ...form, savedAt: this.#now().toISOString() },
      }),
    );
  }

  async counters(scope: 'CAMPAIGN' | 'AGENT', id: string, from: string, to: string): Promise<Counters> {
    const pk = counterKey(scope, id, from).pk;
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `DAY#${from}`, ':to': `DAY#${to}~` },
    });
    return sumCounters(
      items.map((item) => {
        const c: Counters = {};
        for (const f of COUNTER_FIELDS) if (typeof item[f] === 'number') c[f] = item[f];
        return c;
      }),
    );
  }

  async returnReasons(campaignId: string, from: string, to: string): Promise<Record<string, number>> {
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': returnReasonsKey(campaignId, from).pk,
        ':from': returnReasonsKey(campaignId, from).sk,
        ':to': `${returnReasonsKey(campaignId, to).sk}~`,
      },
    });
    const out: Record<string, number> = {};
    for (const item of items) {
      for (const r of RETURN_REASONS) if (typeof item[r] === 'number') out[r] = (out[r] ?? 0) + item[r];
    }
    return out;
  }

  async courierDays(courierId: string, from: string, to: string) {
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': courierDayKey(courierId, from).pk,
        ':from': courierDayKey(courierId, from).sk,
        ':to': `${courierDayKey(courierId, to).sk}~`,
      },
    });
    return items.map((item) => ({ day: String(item.day), deliveries: Number(item.deliveries ?? 0) }));
  }

  #orderItem(order: Order) {
    return {
      ...orderKey(order.orderId),
      ...ordersOfCampaignDayIndexKey(order.campaignId, order.day, order.orderId),
      ...(order.agentId ? ordersOfAgentIndexKey(order.agentId, order.day, order.orderId) : {}),
      entity: 'order',
      ...order,
    };
  }

  #eventPut(event: OrderEvent): TransactItem {
    return {
      Put: {
        TableName: this.#table,
        Item: { ...orderEventKey(event.orderId, event.recordedAt, event.version), entity: 'orderEvent', ...event },
      },
    };
  }

  /** Runs one transaction; false when its first action's condition failed (a duplicate or a lost race). */
  async #transact(actions: TransactItem[]): Promise<boolean> {
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (
        (error as { name?: string }).name === 'TransactionCanceledException' &&
        reasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return false;
      }
      throw error;
    }
  }

  async #queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}

function parseOrder(item: Record<string, unknown>): Order {
  const parsed = orderSchema.safeParse(item);
  if (!parsed.success) throw new StoredOrderInvalidError(`stored order ${String(item.pk)} does not match its schema`);
  return parsed.data;
}

/**
 * The order forms' send-once markers (`SENT#ORDERFORM#<campaignId>#<orderId>` / `<store address>`, pattern 22), with
 * the three-way claim of {@link DynamoDbSendOnceMarkers} (the reports' markers too).
 */
export class DynamoDbOrderFormMarkers extends DynamoDbSendOnceMarkers<SentMarker> implements OrderFormMarkers {
  constructor(config: Pick<DynamoDbOrderStoreConfig, 'client' | 'tableName'>) {
    super(config.client, config.tableName, (m) => sentMarkerKey(m.kind, m.scope, m.period, m.recipient));
  }
}
