import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_TABLE, MAIN_TABLE, type TableSpec } from '#shared/adapters/dynamodb/table-schema';

/** Physical names of outcall's tables in one environment. */
export interface TableNames {
  main: string;
  idempotency: string;
}

export interface CreateTablesOptions {
  /**
   * Give the main table its stream, as in AWS: needed wherever the counters are read, since the stream aggregator
   * writes them (`npm start`, the outcome tests, the cost bench). Off by default: on DynamoDB Local a stream makes every
   * write 1.5–4× slower (measured, 10,000 puts) and keeps its records in the emulator's memory, which suites that
   * never read counters (intake, dialing and their benches) should not pay for.
   */
  streams?: boolean;
}

/**
 * Creates the main and idempotency tables from the same specs the CDK stack uses (keys, GSIs, TTL, and the stream when
 * asked), on-demand. An existing table is left as it is, so `npm start` can run against a persistent emulator twice.
 * Accepts a plain or a document client (both are `DynamoDBClient` commands-wise).
 */
export async function createTables(
  client: Pick<DynamoDBClient, 'send'>,
  names: TableNames,
  options: CreateTablesOptions = {},
): Promise<void> {
  await Promise.all([
    createTable(client, names.main, options.streams ? MAIN_TABLE : withoutStream(MAIN_TABLE)),
    createTable(client, names.idempotency, {
      partitionKey: IDEMPOTENCY_TABLE.partitionKey,
      indexes: [],
      ttlAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
    }),
  ]);
}

type LooseTableSpec = Omit<TableSpec, 'sortKey'> & { sortKey?: string };

function withoutStream({ stream: _stream, ...spec }: TableSpec): TableSpec {
  return spec;
}

async function createTable(client: Pick<DynamoDBClient, 'send'>, name: string, spec: LooseTableSpec): Promise<void> {
  const attributes = new Set<string>([spec.partitionKey]);
  if (spec.sortKey) attributes.add(spec.sortKey);
  for (const index of spec.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  const definitions: AttributeDefinition[] = [...attributes].map((a) => ({ AttributeName: a, AttributeType: 'S' }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: definitions,
        // The counters are applied from it (infra/local/counter-stream.ts).
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
        ...(spec.indexes.length > 0
          ? {
              GlobalSecondaryIndexes: spec.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
                ],
                Projection: { ProjectionType: index.projection },
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitUntilTableExists({ client: client as DynamoDBClient, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
  if (spec.ttlAttribute) {
    // DynamoDB Local accepts the setting (it does not expire items, which no test relies on).
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
      }),
    );
  }
}
