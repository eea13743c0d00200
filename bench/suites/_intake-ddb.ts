import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import type { Campaign } from '#shared/domain/campaign';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { ensureList } from '../lib/generate-list.ts';
import { ingestFileForBench } from '../lib/intake-run.ts';

const ROWS = Number(process.env.INTAKE_DDB_ROWS ?? 100_000);
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

export async function measureIntakeDynamoDb(ctx?: { log(message: string): void }): Promise<Record<string, number>> {
  const log = ctx?.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const file = await ensureList(join(ROOT, '.bench', `intake-${ROWS}.csv`), ROWS);
  const dynamo = await startDynamoDbLocal();
  try {
    const base = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let requests = 0;
    base.middlewareStack.add(
      (next) => async (args) => {
        requests++;
        return next(args);
      },
      { step: 'deserialize', name: 'countDynamoDbRequests' },
    );
    const client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const names = { main: 'bench-main', idempotency: 'bench-idempotency' };
    await createTables(client, names);
    const campaign: Campaign = storedCampaign('c-benchintake01', { state: 'active' });
    const started = performance.now();
    requests = 0;
    const result = await ingestFileForBench({
      client,
      tableName: names.main,
      campaign,
      file,
      at: '2026-03-02T01:00:00.000Z',
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.outcome !== 'ready') throw new Error(`intake did not finish: ${result.outcome}`);
    const accepted = result.summary.accepted;
    log(`intake-ddb: ${ROWS} rows, ${accepted} accepted, ${requests} DynamoDB requests in ${seconds.toFixed(1)} s`);
    base.destroy();
    return {
      'intake.ddbRequestsPer1kContacts': Number(((requests / accepted) * 1000).toFixed(2)),
      'intake.ddbContactsPerSec': Math.round(accepted / seconds),
    };
  } finally {
    await dynamo.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measureIntakeDynamoDb()));
}
