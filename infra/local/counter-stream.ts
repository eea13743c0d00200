import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesAttemptStreamFilter } from '#shared/adapters/dynamodb/attempt-stream';

export interface LocalStreamPollerOptions {
  /** DynamoDB Local's endpoint (the stream API is served on the same one). */
  endpoint: string;
  /** Any client of the same emulator (its table's stream ARN is read with DescribeTable). */
  client: Pick<DynamoDBClient, 'send'>;
  tableName: string;
  /** What Lambda would invoke with each batch. */
  handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Records per batch, as the event source mapping's BatchSize. Default 1000. */
  batchSize?: number;
  /** The mapping's filter. Default: attempt records only (ATTEMPT_STREAM_FILTER). */
  filter?: (record: DynamoDBRecord) => boolean;
}

/**
 * Lambda's DynamoDB event source mapping, on DynamoDB Local, driven by hand: {@link drain} reads every shard of the
 * table's stream from where the last successful batch ended, filters, and hands batches to the handler in stream
 * order. A batch that fails stops the drain and is delivered again by the next one, from the same first record and
 * with whatever was written since appended — what Lambda does (ParallelizationFactor 1, no bisecting). `npm start`
 * drains each simulated minute; tests drain before they look at counters.
 */
export class LocalStreamPoller {
  readonly #options: LocalStreamPollerOptions;
  readonly #streams: DynamoDBStreamsClient;
  /** Per shard: the last sequence number a successful batch (or a filtered-out record) took the shard to. */
  readonly #positions = new Map<string, string>();
  #streamArn: string | undefined;

  constructor(options: LocalStreamPollerOptions) {
    this.#options = options;
    this.#streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Delivers everything written so far; resolves with the number of records and batches handed over. */
  async drain(): Promise<{ records: number; batches: number }> {
    const total = { records: 0, batches: 0 };
    const streamArn = await this.#arn();
    for (const shard of await this.#shards(streamArn)) {
      const shardId = shard.ShardId as string;
      const raw = await this.#read(streamArn, shardId);
      let batch: DynamoDBRecord[] = [];
      let through: string | undefined;
      const deliver = async () => {
        if (batch.length > 0) {
          await this.#options.handler({ Records: batch });
          total.records += batch.length;
          total.batches++;
          batch = [];
        }
        if (through !== undefined) this.#positions.set(shardId, through);
      };
      for (const record of raw) {
        const lambdaRecord = toLambdaRecord(record, streamArn);
        if ((this.#options.filter ?? matchesAttemptStreamFilter)(lambdaRecord)) batch.push(lambdaRecord);
        through = record.dynamodb?.SequenceNumber;
        if (batch.length >= (this.#options.batchSize ?? 1000)) await deliver();
      }
      await deliver();
    }
    return total;
  }

  /** Forgets nothing, delivers nothing: takes every shard to its end (records written so far are never delivered). */
  async skipToEnd(): Promise<void> {
    const streamArn = await this.#arn();
    for (const shard of await this.#shards(streamArn)) {
      const last = (await this.#read(streamArn, shard.ShardId as string)).at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) this.#positions.set(shard.ShardId as string, last);
    }
  }

  close(): void {
    this.#streams.destroy();
  }

  async #arn(): Promise<string> {
    if (this.#streamArn) return this.#streamArn;
    const { Table: table } = await this.#options.client.send(
      new DescribeTableCommand({ TableName: this.#options.tableName }),
    );
    if (!table?.LatestStreamArn) throw new Error(`table ${this.#options.tableName} has no stream`);
    this.#streamArn = table.LatestStreamArn;
    return this.#streamArn;
  }

  async #shards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription: d } = await this.#streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(d?.Shards ?? []));
      start = d?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  async #read(streamArn: string, shardId: string): Promise<SdkRecord[]> {
    const after = this.#positions.get(shardId);
    let iterator = (
      await this.#streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
      )
    ).ShardIterator;
    const records: SdkRecord[] = [];
    while (iterator) {
      const page = await this.#streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const got = page.Records ?? [];
      records.push(...got);
      // An open shard always hands back a next iterator: an empty page means we are at its end.
      iterator = got.length > 0 ? page.NextShardIterator : undefined;
    }
    return records;
  }
}

/** A record as the SDK returns it → as Lambda delivers it (binary as base64, the time in epoch seconds). */
function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const image = (m: Record<string, SdkAttributeValue> | undefined) =>
    m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, toLambdaValue(v)]));
  const d = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d?.ApproximateCreationDateTime
        ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: image(d?.Keys),
      NewImage: image(d?.NewImage),
      OldImage: image(d?.OldImage),
      SequenceNumber: d?.SequenceNumber,
      SizeBytes: d?.SizeBytes,
      StreamViewType: d?.StreamViewType,
    },
  };
}

function toLambdaValue(v: SdkAttributeValue): AttributeValue {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.B !== undefined) return { B: b64(v.B) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  if (v.BS !== undefined) return { BS: v.BS.map(b64) };
  if (v.L !== undefined) return { L: v.L.map(toLambdaValue) };
  if (v.M !== undefined) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, toLambdaValue(x)])) };
  throw new Error('unknown attribute value type in a stream record');
}
