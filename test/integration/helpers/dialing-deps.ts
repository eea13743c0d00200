import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import type { ManualClock } from '#shared/adapters/memory/clock';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';

/** The dialer's adapters as the tests wire them: DynamoDB Local, the Connect simulator, the test's manual clock. */
export interface LocalDialing {
  deps: DialingDeps & { connect: ConnectCampaignsAdapter };
  repository: DynamoDbCampaignRepository;
  store: DynamoDbDialingStore;
}

/**
 * The dispatcher's dependencies against DynamoDB Local and the Connect simulator at `connectEndpoint` (one SDK attempt,
 * so a fault is seen, not retried away), with the account-wide pacing limiter waiting on `clock` instead of real time.
 */
export function localDialing(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  connectEndpoint: string;
  clock: ManualClock;
}): LocalDialing {
  const { client, tableName, clock } = options;
  const repository = new DynamoDbCampaignRepository({ client, tableName });
  const store = new DynamoDbDialingStore({ client, tableName, sleep: async () => {} });
  const connect = new ConnectCampaignsAdapter({
    client: new ConnectCampaignsV2Client({
      endpoint: options.connectEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  });
  const limiter = new DynamoDbRateLimiter({
    client,
    tableName,
    name: 'connect-put-batch',
    perSecond: 10,
    now: () => clock.now().getTime(),
    sleep: async (ms) => clock.advance(ms),
  });
  return { repository, store, deps: { campaigns: repository, store, connect, limiter, clock } };
}
