import { randomBytes } from 'node:crypto';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { type DynamoDBDocumentClient, GetCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type ConnectSim, type SimDial, startConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { contactKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import type { CampaignDeps } from '#shared/use-cases/campaigns';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { allDayWindows } from '#test/fixtures/calling-windows';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { phoneKeyOf, type SeedContact, seedContacts } from '#test/integration/helpers/dialing-seed';
import { type TestTables, useTestTables } from '#test/integration/helpers/tables';

/** The dialer's adapters as the tests wire them: DynamoDB Local, the Connect simulator, the test's manual clock. */
export interface LocalDialing {
  deps: DialingDeps & { connect: ConnectCampaignsAdapter };
  repository: DynamoDbCampaignRepository;
  store: DynamoDbDialingStore;
}

/**
 * The Connect campaigns adapter on the simulator at `endpoint`, through the real SDK client with local credentials and
 * one attempt, so a fault the simulator injects is seen, not retried away.
 */
export function simConnectAdapter(endpoint: string): ConnectCampaignsAdapter {
  return new ConnectCampaignsAdapter({
    client: new ConnectCampaignsV2Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  });
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
  const connect = simConnectAdapter(options.connectEndpoint);
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

/** How a campaign of createDialingCampaign departs from its defaults, besides its overrides and contacts. */
export interface DialingCampaignOptions {
  closedDays?: readonly string[];
  minMinutesBetweenAttempts?: number;
}

/**
 * One test file's dialing world: its own tables, the Connect simulator, a manual clock and the dialer's adapters on
 * them. Its fields are filled in by `beforeAll`: read them inside tests or hooks, not at module load.
 */
export interface DialingWorld extends LocalDialing {
  tables: TestTables;
  sim: ConnectSim;
  clock: ManualClock;
  /** createDialingCampaign in this world; `options` over the world's campaign defaults. */
  newCampaign(
    overrides?: Partial<Campaign>,
    contacts?: SeedContact[],
    options?: DialingCampaignOptions,
  ): Promise<Campaign>;
  /** What the simulator placed for the campaign's Connect campaign. */
  placedFor(campaign: Campaign): SimDial[];
  /** Seeded contact `n` of the campaign as stored (a consistent read), or `{}` when there is none. */
  contactOf(campaign: Campaign, n: number): Promise<NonNullable<GetCommandOutput['Item']>>;
}

/**
 * Registers the hooks of a dialing world (useTestTables with `prefix`, then the Connect simulator started, the clock
 * set to `start` and localDialing wired on them; the simulator stopped afterwards). `campaignDefaults` apply to every
 * campaign its newCampaign creates.
 */
export function useDialingWorld(
  prefix: string,
  start: string,
  campaignDefaults: DialingCampaignOptions = {},
): DialingWorld {
  const tables = useTestTables(prefix);
  const world = {
    tables,
    newCampaign: (
      overrides: Partial<Campaign> = {},
      contacts: SeedContact[] = [],
      options: DialingCampaignOptions = {},
    ) =>
      createDialingCampaign(
        { sim: world.sim, dialing: world, client: tables.client, tableName: tables.names.main },
        { ...campaignDefaults, ...options, overrides, contacts },
      ),
    placedFor: (campaign: Campaign) =>
      world.sim.placed.filter((d) => d.campaignId === campaign.connect.connectCampaignId),
    async contactOf(campaign: Campaign, n: number) {
      const out = await tables.client.send(
        new GetCommand({
          TableName: tables.names.main,
          Key: contactKey(campaign.id, phoneKeyOf(n)),
          ConsistentRead: true,
        }),
      );
      return out.Item ?? {};
    },
  } as DialingWorld;
  beforeAll(async () => {
    const sim = await startConnectSim();
    const clock = new ManualClock(start);
    Object.assign(world, {
      sim,
      clock,
      ...localDialing({ client: tables.client, tableName: tables.names.main, connectEndpoint: sim.endpoint, clock }),
    });
  });
  afterAll(async () => {
    await world.sim?.stop();
  });
  return world;
}

/**
 * One test file's campaign use cases on DynamoDB Local and the Connect simulator. Its fields are filled in by
 * `beforeAll`: read them inside tests or hooks, not at module load.
 */
export interface CampaignConnectWorld {
  tables: TestTables;
  sim: ConnectSim;
  deps: CampaignDeps;
}

/**
 * Registers the hooks of a campaign-on-Connect world (useTestTables with `prefix`, then the Connect simulator started
 * and the campaign use cases wired on the main table, an in-memory event publisher, a manual clock set to `start` and
 * simConnectAdapter; the simulator stopped afterwards).
 */
export function useCampaignConnectWorld(prefix: string, start: string): CampaignConnectWorld {
  const tables = useTestTables(prefix);
  const world = { tables } as CampaignConnectWorld;
  beforeAll(async () => {
    const sim = await startConnectSim();
    world.sim = sim;
    world.deps = {
      repository: new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }),
      events: new InMemoryEventPublisher(),
      clock: new ManualClock(start),
      connect: simConnectAdapter(sim.endpoint),
    };
  });
  afterAll(async () => {
    await world.sim?.stop();
  });
  return world;
}
