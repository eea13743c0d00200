import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { type CreateTablesOptions, createTables, type TableNames } from '#infra/local/tables';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { useLocalAwsEnv } from '#test/integration/helpers/aws-env';

export interface TestTables {
  client: DynamoDBDocumentClient;
  names: TableNames;
  endpoint: string;
}

/** Fresh table names with a random suffix, so test files never share state on the one emulator. */
export function uniqueTableNames(prefix = 'outcall'): TableNames {
  const suffix = randomBytes(6).toString('hex');
  return { main: `${prefix}-main-${suffix}`, idempotency: `${prefix}-idempotency-${suffix}` };
}

/**
 * Registers `beforeAll`/`afterAll` hooks that create this file's own tables on the shared DynamoDB Local and delete
 * them afterwards; `streams` gives the main table its stream (files that read counters, see createTables). Read the returned object's fields inside tests or hooks, not at module load.
 */
export function useTestTables(prefix?: string, options: CreateTablesOptions = {}): TestTables {
  const tables = {} as TestTables;
  beforeAll(async () => {
    useLocalAwsEnv();
    const endpoint = inject('dynamoDbEndpoint');
    const client = createDocumentClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const names = uniqueTableNames(prefix);
    await createTables(client, names, options);
    Object.assign(tables, { client, names, endpoint });
  });
  afterAll(async () => {
    if (!tables.client) return;
    await Promise.allSettled(
      [tables.names.main, tables.names.idempotency].map((TableName) =>
        tables.client.send(new DeleteTableCommand({ TableName })),
      ),
    );
    tables.client.destroy();
  });
  return tables;
}
