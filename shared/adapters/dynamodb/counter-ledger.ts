import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { counterAddAction } from '#shared/adapters/dynamodb/counter-add';
import { counterBatchKey } from '#shared/adapters/dynamodb/keys';
import type { Clock } from '#shared/ports/clock';
import type { CounterGroupWrite, CounterLedger } from '#shared/ports/counter-ledger';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A marker must outlive every redelivery of its batch: a stream keeps a record 24 hours; TTL may lag 48 more. */
const MARKER_DAYS = 2;

export interface DynamoDbCounterLedgerConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
}

/**
 * Counter items (`COUNTER#<scope>#<id>` / `DAY#<day>#0`, docs/data-model.md pattern 17) and the stream batches'
 * markers (`COUNTERBATCH#<eventID>`). One group is one TransactWriteItems: an `ADD` per counter item and the marker
 * put, conditioned on the marker being absent or still at the sequence number the caller read.
 */
export class DynamoDbCounterLedger implements CounterLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;

  constructor(config: DynamoDbCounterLedgerConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#clock = config.clock;
  }

  async apply(write: CounterGroupWrite): Promise<boolean> {
    const expiresAt = Math.floor(this.#clock.now().getTime() / 1000) + MARKER_DAYS * 86_400;
    const actions: TransactItem[] = write.counters.map((c) => counterAddAction(this.#table, c));
    actions.push({
      Put: {
        TableName: this.#table,
        Item: { ...counterBatchKey(write.markerId), lastSequence: write.lastSequence, expiresAt },
        ...(write.expectedApplied === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'lastSequence = :expected',
              ExpressionAttributeValues: { ':expected': write.expectedApplied },
            }),
      },
    });
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async appliedThrough(markerId: string): Promise<string | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: counterBatchKey(markerId), ConsistentRead: true }),
    );
    return typeof item?.lastSequence === 'string' ? item.lastSequence : undefined;
  }
}

/**
 * The marker was not as expected (an earlier delivery of the batch is in), or a concurrent transaction held one of the
 * items (another shard's batch on the same counter item): nothing was written, the caller reads the marker and retries.
 * Any other cancellation reason (validation, size) is a real failure.
 */
function lostRace(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name === 'TransactionConflictException') return true;
  if (e.name !== 'TransactionCanceledException') return false;
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.every((code) => code === 'None' || code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
}
