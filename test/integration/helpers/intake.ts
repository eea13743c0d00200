import { randomBytes } from 'node:crypto';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { beforeAll, inject } from 'vitest';
import { createIngestHandler } from '#functions/intake/ingest';
import { realNotification, S3_LOCAL_CREDENTIALS } from '#infra/local/s3-local';
import type { StoredEmail } from '#infra/local/ses-local';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { listClaimsPk, listKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import { SesMailer } from '#shared/adapters/ses/mailer';
import type { Campaign } from '#shared/domain/campaign';
import type { ContactStore } from '#shared/ports/contact-store';
import type { IntakeContinuation } from '#shared/ports/list-repository';
import type { IngestDeps, IngestOptions } from '#shared/use-cases/intake/ingest-list';
import { listIdOf } from '#shared/use-cases/intake/upload-key';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { type TestTables, useTestTables } from '#test/integration/helpers/tables';

export const PHONE_KEY_SECRET = 'integration-test-phone-key-secret';

/** A CN mobile number that libphonenumber accepts, distinct per `i` (< 100,000). */
export const mobile = (i: number) => `1380${String(i).padStart(7, '0')}`;

export interface IntakeWorld {
  tables: TestTables;
  bucket: string;
  s3: S3Client;
  ses: SESv2Client;
  sesEndpoint: string;
  campaigns: DynamoDbCampaignRepository;
  events: InMemoryEventPublisher;
  continuations: IntakeContinuation[];
  clock: ManualClock;
  /** Deps as the handler builds them, against the stand-ins; override parts per test. */
  deps(overrides?: Partial<IngestDeps> & { options?: IngestOptions }): IngestDeps;
  newCampaign(overrides?: Partial<Campaign>): Promise<Campaign>;
  /** Uploads and returns the notification S3 would queue for it. */
  upload(key: string, body: string | Uint8Array): Promise<string>;
  /** Runs the real handler on one SQS message; `remaining` is the time budget the fake context reports. */
  deliver(
    body: string,
    deps: IngestDeps,
    remaining?: () => number,
  ): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  /** Delivers, then every continuation the run queued, until none is left. Returns how many runs it took. */
  deliverAll(body: string, deps: IngestDeps, remaining?: () => number): Promise<number>;
  listId(key: string, body: string): string;
  contactsOf(campaignId: string): Promise<Record<string, unknown>[]>;
  statusItems(): Promise<Record<string, unknown>[]>;
  /** The records (`CLAIMS#<campaign>#<list>` items) of a list, in row order. */
  records(campaignId: string, listId: string): Promise<Record<string, unknown>[]>;
  listItem(campaignId: string, key: string, notification: string): Promise<Record<string, unknown> | undefined>;
  readText(key: string): Promise<string>;
  emailsTo(address: string): Promise<StoredEmail[]>;
}

/** Registers hooks that give a test file its own tables and bucket on the shared stand-ins. */
export function useIntakeWorld(prefix: string): IntakeWorld {
  const tables = useTestTables(prefix);
  const world = { tables, continuations: [] as IntakeContinuation[] } as unknown as IntakeWorld;
  let sequence = 0;
  beforeAll(async () => {
    const s3Endpoint = inject('s3Endpoint');
    const sesEndpoint = inject('sesEndpoint');
    const s3 = new S3Client({
      endpoint: s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3_LOCAL_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const bucket = `uploads-${randomBytes(4).toString('hex')}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const ses = new SESv2Client({ endpoint: sesEndpoint, region: 'us-east-1' });
    const campaigns = new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main });
    Object.assign(world, {
      bucket,
      s3,
      ses,
      sesEndpoint,
      campaigns,
      events: new InMemoryEventPublisher(),
      clock: new ManualClock('2026-03-02T01:00:00.000Z'),
    });
  });

  world.deps = (overrides = {}) => ({
    objects: new S3ObjectStore(world.s3),
    lists: new DynamoDbListRepository({ client: tables.client, tableName: tables.names.main }),
    contacts: new DynamoDbContactStore({ client: tables.client, tableName: tables.names.main }),
    dnc: new DynamoDbDncStore({ client: tables.client, tableName: tables.names.main }),
    campaigns: world.campaigns,
    events: world.events,
    mailer: new SesMailer({ client: world.ses, from: 'outcall@example.com' }),
    continuations: { send: async (m) => void world.continuations.push(m) },
    openSheet: (o) => resumableSheetReader(o),
    clock: world.clock,
    phoneKeySecret: PHONE_KEY_SECRET,
    ...overrides,
    options: { safetyMarginMs: 1000, ...overrides.options },
  });

  world.newCampaign = async (overrides = {}) => {
    const id = `c-${randomBytes(6).toString('hex')}`;
    const campaign = storedCampaign(id, {
      state: 'active',
      planners: [`planner-${id}@example.com`],
      ...overrides,
    });
    await world.campaigns.create(campaign);
    return campaign;
  };

  world.upload = async (key, body) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const out = await world.s3.send(new PutObjectCommand({ Bucket: world.bucket, Key: key, Body: bytes }));
    const notification = realNotification(world.bucket, key, {
      size: bytes.byteLength,
      eTag: out.ETag?.replace(/"/g, ''),
      sequencer: `0A${String(++sequence).padStart(14, '0')}`,
    });
    return JSON.stringify(notification);
  };

  world.deliver = async (body, deps, remaining = () => 600_000) => {
    const handler = createIngestHandler(deps);
    const event: SQSEvent = {
      Records: [
        {
          messageId: randomBytes(8).toString('hex'),
          receiptHandle: 'r',
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '0',
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:intake',
          awsRegion: 'us-east-1',
        },
      ],
    };
    const context = { getRemainingTimeInMillis: remaining } as unknown as Context;
    try {
      return await handler(event, context);
    } catch (error) {
      // Powertools throws when every record of the batch failed: Lambda then retries the whole batch.
      if (error instanceof FullBatchFailureError) {
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      }
      throw error;
    }
  };

  world.deliverAll = async (body, deps, remaining) => {
    let runs = 0;
    const queue = [body];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      const before = world.continuations.length;
      const result = await world.deliver(next, deps, remaining);
      runs++;
      if (result.batchItemFailures.length > 0) throw new Error('a delivery failed');
      queue.push(...world.continuations.slice(before).map((m) => JSON.stringify(m)));
      if (runs > 500) throw new Error('too many continuations');
    }
    return runs;
  };

  world.listId = (key, body) => {
    const record = JSON.parse(body).Records[0];
    return listIdOf(world.bucket, key, record.s3.object.versionId, record.s3.object.sequencer);
  };

  world.contactsOf = async (campaignId) => {
    const items = await scanAll(tables);
    return items.filter((i) => i.sk === `CONTACT#${campaignId}`);
  };

  world.statusItems = async () => (await scanAll(tables)).filter((i) => i.sk === 'STATUS');

  world.records = async (campaignId, listId) => {
    const out = await tables.client.send(
      new QueryCommand({
        TableName: tables.names.main,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': listClaimsPk(campaignId, listId) },
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  };

  world.listItem = async (campaignId, key, notification) => {
    const out = await tables.client.send(
      new QueryCommand({
        TableName: tables.names.main,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: listKeyValues(campaignId, world.listId(key, notification)),
      }),
    );
    return out.Items?.[0];
  };

  world.readText = async (key) => {
    const out = await world.s3.send(new GetObjectCommand({ Bucket: world.bucket, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  };

  world.emailsTo = async (address) => {
    const response = await fetch(`${world.sesEndpoint}/store`);
    const body = (await response.json()) as { emails: StoredEmail[] };
    return body.emails.filter((e) => e.destination.to.includes(address));
  };

  return world;
}

function listKeyValues(campaignId: string, listId: string) {
  const key = listKey(campaignId, listId);
  return { ':pk': key.pk, ':sk': key.sk };
}

/** Tests may scan their own small table to see everything; the code under test never does. */
export async function scanAll(tables: TestTables): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await tables.client.send(
      new ScanCommand({ TableName: tables.names.main, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A contact store that fails after `n` successful contact writes: a crash in the middle of a file. */
export function crashingAfter(inner: ContactStore, n: number): ContactStore & { crashed: boolean } {
  let calls = 0;
  const store = {
    crashed: false,
    statusBatchSize: inner.statusBatchSize,
    readStatuses: (k: readonly string[]) => inner.readStatuses(k),
    async writeContacts(...args: Parameters<ContactStore['writeContacts']>) {
      if (++calls > n) {
        store.crashed = true;
        throw new Error('simulated crash');
      }
      return inner.writeContacts(...args);
    },
    releaseList: (...args: Parameters<ContactStore['releaseList']>) => inner.releaseList(...args),
    discardList: (...args: Parameters<ContactStore['discardList']>) => inner.discardList(...args),
  };
  return store;
}
