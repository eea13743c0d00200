/**
 * DynamoDB requests that list intake makes per 1,000 accepted contacts, end to end (status reads, contact +
 * claim transactions, checkpoints, release to the due index, LIST item), against DynamoDB Local on a 100,000-row
 * planner-style CSV. Requests are counted by a middleware on the client's stack in the deserialize step, which runs
 * once per HTTP attempt, so SDK retries count too.
 * Part of the intake suite (files starting with `_` are not suites of their own):
 * - intake.ddbRequestsPer1kContacts: the figure (goal ≤ 50);
 * - intake.ddbContactsPerSec: accepted contacts per second on this machine (informative only: the emulator is slow).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import type { Campaign } from '#shared/domain/campaign';
import type { ObjectStore } from '#shared/ports/object-store';
import { ingestList } from '#shared/use-cases/intake/ingest-list';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { ensureList } from '../lib/generate-list.ts';

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
    const events = new InMemoryEventPublisher();
    // The file comes from disk: only DynamoDB is measured.
    const objects: ObjectStore = {
      read: async (_ref, options) => createReadStream(file, { start: options?.from ?? 0, highWaterMark: 256 * 1024 }),
      put: async () => {},
      putStream: async (_ref, body) => {
        for await (const _ of body);
      },
      delete: async () => {},
    };
    const started = performance.now();
    requests = 0;
    const result = await ingestList(
      {
        objects,
        lists: new DynamoDbListRepository({ client, tableName: names.main }),
        contacts: new DynamoDbContactStore({ client, tableName: names.main }),
        dnc: new DynamoDbDncStore({ client, tableName: names.main }),
        campaigns: { get: async (id) => (id === campaign.id ? campaign : undefined) },
        events,
        mailer: { send: async () => {} },
        continuations: { send: async () => {} },
        openSheet: (o) => resumableSheetReader(o),
        clock: new ManualClock('2026-03-02T01:00:00.000Z'),
        phoneKeySecret: 'bench-phone-key-secret-0123456789',
        options: { maxBytes: 1024 * 1024 * 1024 },
      },
      { bucket: 'bench', key: `lists/${campaign.id}/bench.csv`, sequencer: '01', size: 0, remainingMs: () => 900_000 },
    );
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
