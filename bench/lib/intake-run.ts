import { createReadStream } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import type { Campaign } from '#shared/domain/campaign';
import type { ObjectStore } from '#shared/ports/object-store';
import { type IngestResult, ingestList } from '#shared/use-cases/intake/ingest-list';

/**
 * The real intake of `file` (a list on disk, standing in for S3, so only DynamoDB is measured) into `campaign` on
 * `tableName`: DynamoDB stores, no mail, no continuation, a manual clock at `at`.
 */
export function ingestFileForBench(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  campaign: Campaign;
  file: string;
  at: string;
}): Promise<IngestResult> {
  const { client, tableName, campaign, file } = options;
  const objects: ObjectStore = {
    read: async (_ref, o) => createReadStream(file, { start: o?.from ?? 0, highWaterMark: 256 * 1024 }),
    put: async () => {},
    putStream: async (_ref, body) => {
      for await (const _ of body);
    },
    delete: async () => {},
  };
  return ingestList(
    {
      objects,
      lists: new DynamoDbListRepository({ client, tableName }),
      contacts: new DynamoDbContactStore({ client, tableName }),
      dnc: new DynamoDbDncStore({ client, tableName }),
      campaigns: { get: async (id) => (id === campaign.id ? campaign : undefined) },
      events: new InMemoryEventPublisher(),
      mailer: { send: async () => {} },
      continuations: { send: async () => {} },
      openSheet: (o) => resumableSheetReader(o),
      clock: new ManualClock(options.at),
      phoneKeySecret: 'bench-phone-key-secret-0123456789',
      options: { maxBytes: 1024 * 1024 * 1024 },
    },
    { bucket: 'bench', key: `lists/${campaign.id}/bench.csv`, sequencer: '01', size: 0, remainingMs: () => 900_000 },
  );
}
