import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { campaignListTotalsKey, dncListKey, listKey } from '#shared/adapters/dynamodb/keys';
import type { IntakeSummary } from '#shared/domain/intake/classify';
import type { ListRepository } from '#shared/ports/list-repository';
import {
  type ListCheckpoint,
  type ListFailure,
  type ListRecord,
  type ListRef,
  listRecordSchema,
} from '#shared/use-cases/intake/list-record';

export interface DynamoDbListRepositoryConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const keyOf = (list: ListRef) =>
  list.kind === 'campaign' ? listKey(list.campaignId, list.listId) : dncListKey(list.listId);

const PHASE_ORDER = { reading: 0, releasing: 1 } as const;

/** LIST items (docs/data-model.md, pattern 6) and the campaign's list totals. */
export class DynamoDbListRepository implements ListRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(config: DynamoDbListRepositoryConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
  }

  async get(list: ListRef): Promise<ListRecord | undefined> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: keyOf(list), ConsistentRead: true }),
    );
    return out.Item ? listRecordSchema.parse(out.Item) : undefined;
  }

  async begin(record: ListRecord): Promise<ListRecord> {
    const ref: ListRef =
      record.kind === 'campaign'
        ? { kind: 'campaign', campaignId: record.campaignId ?? '', listId: record.listId }
        : { kind: 'dnc', listId: record.listId };
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...keyOf(ref), ...listRecordSchema.parse(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return record;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      const stored = await this.get(ref);
      if (!stored) throw error;
      return stored;
    }
  }

  async saveCheckpoint(list: ListRef, checkpoint: ListCheckpoint): Promise<boolean> {
    // A checkpoint only moves forward: by phase, then reading by row, releasing by its progress (contacts released and
    // records gone through, both only growing; a save that is refused only makes the next run repeat some releases).
    const rank =
      PHASE_ORDER[checkpoint.phase] * 1e12 + checkpoint.row + checkpoint.released + (checkpoint.releasedAfterRow ?? 0);
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: keyOf(list),
          UpdateExpression: 'SET #cp = :cp, checkpointRank = :rank',
          ConditionExpression:
            '#status = :loading AND (attribute_not_exists(checkpointRank) OR checkpointRank < :rank)',
          ExpressionAttributeNames: { '#cp': 'checkpoint', '#status': 'status' },
          ExpressionAttributeValues: { ':cp': checkpoint, ':rank': rank, ':loading': 'loading' },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async complete(
    list: ListRef,
    summary: IntakeSummary,
    finishedAt: string,
    rejectsKey: string | undefined,
  ): Promise<boolean> {
    const finish = {
      Update: {
        TableName: this.#table,
        Key: keyOf(list),
        UpdateExpression: `SET #status = :ready, summary = :summary, finishedAt = :at${rejectsKey ? ', rejectsKey = :rk' : ''} REMOVE #cp`,
        ConditionExpression: '#status = :loading',
        ExpressionAttributeNames: { '#status': 'status', '#cp': 'checkpoint' },
        ExpressionAttributeValues: {
          ':ready': 'ready',
          ':loading': 'loading',
          ':summary': summary,
          ':at': finishedAt,
          ...(rejectsKey ? { ':rk': rejectsKey } : {}),
        },
      },
    };
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [finish];
    if (list.kind === 'campaign') {
      const reasons = Object.entries(summary.reasons);
      items.push({
        Update: {
          TableName: this.#table,
          Key: campaignListTotalsKey(list.campaignId),
          UpdateExpression: `ADD lists :one, #rows :rows, accepted :acc, duplicates :dup, suppressed :sup, rejected :rej${reasons
            .map((_, i) => `, #r${i} :r${i}`)
            .join('')}`,
          ExpressionAttributeNames: {
            '#rows': 'rows',
            ...Object.fromEntries(reasons.map(([reason], i) => [`#r${i}`, `reason_${reason}`])),
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':rows': summary.rows,
            ':acc': summary.accepted,
            ':dup': summary.duplicates,
            ':sup': summary.suppressed,
            ':rej': summary.rejected,
            ...Object.fromEntries(reasons.map(([, n], i) => [`:r${i}`, n])),
          },
        },
      });
    }
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      // Only the LIST item's condition failing means another run finished (or failed) the list. Any other reason —
      // a TransactionConflict with another list of the campaign completing on the same totals item, throttling — wrote
      // nothing and must reach the caller, so the message is redelivered and the completion done again.
      if (listConditionFailed(error)) return false;
      throw error;
    }
  }

  async fail(list: ListRef, failure: ListFailure, finishedAt: string): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: keyOf(list),
          UpdateExpression: 'SET #status = :failed, failure = :f, finishedAt = :at REMOVE #cp',
          ConditionExpression: '#status = :loading',
          ExpressionAttributeNames: { '#status': 'status', '#cp': 'checkpoint' },
          ExpressionAttributeValues: { ':failed': 'failed', ':loading': 'loading', ':f': failure, ':at': finishedAt },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async markNotified(list: ListRef, at: string): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: keyOf(list),
        UpdateExpression: 'SET notifiedAt = :at',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}

/** A transaction cancelled because its first item (the LIST item) failed its condition. */
function listConditionFailed(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e.name === 'TransactionCanceledException' && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}
