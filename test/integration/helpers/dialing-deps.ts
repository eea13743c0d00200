import { randomBytes } from 'node:crypto';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import type { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { allDayWindows } from '#test/fixtures/calling-windows';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { type SeedContact, seedContacts } from '#test/integration/helpers/dialing-seed';

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

/**
 * Stores an active campaign calling around the clock in Shanghai (except on `closedDays`), with its Connect campaign
 * running in the simulator, its zone registered and `contacts` seeded as intake releases them.
 */
export async function createDialingCampaign(
  world: {
    sim: ConnectSim;
    dialing: Pick<LocalDialing, 'repository' | 'store'>;
    client: DynamoDBDocumentClient;
    tableName: string;
  },
  options: {
    overrides?: Partial<Campaign>;
    contacts?: SeedContact[];
    closedDays?: readonly string[];
    minMinutesBetweenAttempts?: number;
  } = {},
): Promise<Campaign> {
  const id = `c-${randomBytes(8).toString('hex')}`;
  const connectId = `cc-${id}`;
  world.sim.addCampaign(connectId, 'Running');
  const base = storedCampaign(id, { state: 'active', revision: 1 });
  const closed = options.closedDays ?? [];
  const campaign: Campaign = {
    ...base,
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: allDayWindows(closed),
      restrictedPeriods: [],
    },
    ...(options.minMinutesBetweenAttempts === undefined
      ? {}
      : { frequencyCaps: { ...base.frequencyCaps, minMinutesBetweenAttempts: options.minMinutesBetweenAttempts } }),
    connect: { ...base.connect, connectCampaignId: connectId },
    ...options.overrides,
  };
  await world.dialing.repository.create(campaign);
  await world.dialing.store.addCampaignZones(id, ['Asia/Shanghai']);
  await seedContacts(world.client, world.tableName, id, options.contacts ?? []);
  return campaign;
}
