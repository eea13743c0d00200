import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  campaignListTotalsKey,
  counterDayRange,
  reportSettingsKey,
  sentMarkerKey,
} from '#shared/adapters/dynamodb/keys';
import { DynamoDbSendOnceMarkers } from '#shared/adapters/dynamodb/send-once-markers';
import type { CounterScope } from '#shared/domain/counters';
import { type CounterBag, sumBags } from '#shared/domain/reports/figures';
import { DEFAULT_REPORT_SETTINGS, type ReportSettings, reportSettingsSchema } from '#shared/domain/reports/recipients';
import type { ReportMarker, ReportMarkers, ReportReads, ReportSettingsStore } from '#shared/ports/report-store';

export interface DynamoDbReportStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** The stored settings item does not match its schema: a manual edit went wrong. */
export class StoredReportSettingsInvalidError extends Error {
  override readonly name = 'StoredReportSettingsInvalidError';
}

// Attributes of a counter item that are not figures.
const NON_FIGURES = new Set(['pk', 'sk', 'scope', 'id', 'day', 'entity', 'expiresAt']);

/**
 * Reports' reads and send-once markers in the main table. A counter range is one Query
 * (`pk = COUNTER#<scope>#<id> AND sk BETWEEN DAY#<from># AND DAY#<to>#~`, pattern 17): it reads days × shards items,
 * whatever the number of calls behind them.
 */
export class DynamoDbReportStore implements ReportReads, ReportSettingsStore, ReportMarkers {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  readonly #markers: DynamoDbSendOnceMarkers<ReportMarker>;

  constructor(config: DynamoDbReportStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#markers = new DynamoDbSendOnceMarkers(config.client, config.tableName, markerKey);
  }

  async counters(scope: CounterScope, id: string, from: string, to: string): Promise<Map<string, CounterBag>> {
    const range = counterDayRange(scope, id, from, to);
    const shardsByDay = new Map<string, CounterBag[]>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': range.pk, ':from': range.skFrom, ':to': range.skTo },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const day = String(item.sk).split('#')[1];
        if (!day) continue;
        const figures: Record<string, number> = {};
        for (const [k, v] of Object.entries(item)) if (!NON_FIGURES.has(k) && typeof v === 'number') figures[k] = v;
        shardsByDay.set(day, [...(shardsByDay.get(day) ?? []), figures]);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return new Map([...shardsByDay].map(([day, shards]) => [day, sumBags(shards)]));
  }

  async listSize(campaignId: string): Promise<number | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: campaignListTotalsKey(campaignId),
        ProjectionExpression: 'accepted',
      }),
    );
    return typeof Item?.accepted === 'number' ? Item.accepted : undefined;
  }

  async settings(): Promise<ReportSettings> {
    const { Item } = await this.#client.send(new GetCommand({ TableName: this.#table, Key: reportSettingsKey() }));
    if (!Item) return DEFAULT_REPORT_SETTINGS;
    const { pk: _pk, sk: _sk, entity: _entity, ...rest } = Item;
    const parsed = reportSettingsSchema.safeParse(rest);
    if (!parsed.success)
      throw new StoredReportSettingsInvalidError(`the report settings item is invalid: ${parsed.error.message}`);
    return parsed.data;
  }

  async putSettings(settings: ReportSettings): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...reportSettingsSchema.parse(settings), ...reportSettingsKey(), entity: 'reportSettings' },
      }),
    );
  }

  claim(marker: ReportMarker, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'> {
    return this.#markers.claim(marker, at, staleBefore);
  }

  confirm(marker: ReportMarker, at: Date): Promise<void> {
    return this.#markers.confirm(marker, at);
  }

  release(marker: ReportMarker): Promise<void> {
    return this.#markers.release(marker);
  }
}

const markerKey = (m: ReportMarker) => sentMarkerKey(m.kind, m.scope, m.period, m.part);
