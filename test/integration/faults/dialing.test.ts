import { randomBytes } from 'node:crypto';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { BatchGetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { dialBatchKey } from '#shared/adapters/dynamodb/dialing-keys';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { OutcomeLookup } from '#shared/ports/contact-dialing';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { reconcileCampaign } from '#shared/use-cases/dialing/reconcile';
import { allDayWindows } from '#test/fixtures/calling-windows';
import {
  type ConnectFaultPlan,
  type FaultCounters,
  Invocations,
  injectConnectFaults,
  type KillPhase,
  seededRandom,
} from '#test/integration/faults/inject';
import { emptyRow, type FaultRow, faultReport } from '#test/integration/faults/report';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { phoneKeyOf, seedContacts } from '#test/integration/helpers/dialing-seed';
import { useTestTables } from '#test/integration/helpers/tables';

/**
 * The dialing path under faults: the dispatcher and the reconciler (the real use cases and adapters) on DynamoDB
 * Local and the Connect simulator, ticking on a manual clock. Faults are injected as SDK middleware on the real
 * clients: Connect throttling the whole PutOutboundRequestBatch call or single requests, failing it with a server
 * error, or placing its dials and losing the answer (a socket timeout), and the dispatcher killed at a point of its
 * tick, after which every call of that invocation fails and the next tick (EventBridge Scheduler's next run) picks up. The campaign is a pilot whose size is the whole list, so the pilot count must be exact too.
 *
 * Measured against what the simulator placed: a contact never placed is lost; a second placed dial of a contact, or a
 * dial or pilot counter above what was placed, is a duplicate; a placed dial the contact does not record (so the
 * dialer no longer knows it was placed) or a counter below what was placed is a lost outcome.
 */

const tables = useTestTables('faults-dialing');
const rows = faultReport('dialing');
let sim: ConnectSim;

const CONTACTS = 100;
const START = '2027-03-01T02:00:00.000Z';
const TICK_MS = 3 * 60_000;
const MAX_TICKS = 80;
const MAX_KILLS = 4;

beforeAll(async () => {
  sim = await startConnectSim();
});
afterAll(async () => {
  await sim?.stop();
});

/** The outcomes side, as far as the reconciler asks it: a call Connect placed has its outcome on the way. */
function placedCallsInProgress(campaign: () => Campaign): OutcomeLookup {
  return {
    lookup: async (campaignId, phoneKey, attempt) =>
      sim.placed.some(
        (d) =>
          d.campaignId === campaign().connect.connectCampaignId &&
          d.clientToken === `${campaignId}.${phoneKey}.${attempt}`,
      )
        ? { kind: 'inProgress' }
        : { kind: 'unknown' },
  };
}

type Kill = (random: () => number) => (command: string, input: unknown, phase: KillPhase) => boolean;

interface DialingFault {
  name: string;
  connect?: ConnectFaultPlan;
  /** Where the dispatcher dies (at most MAX_KILLS times per scenario, with the reconciler's). */
  kill?: Kill;
  /** Where the reconciler dies. */
  killReconciler?: Kill;
  /** The dispatcher must have resent tokens Connect had already placed (and Connect answered them without a call). */
  resendsPlaced?: boolean;
}

const updateOf = (input: unknown) => String((input as { UpdateExpression?: string }).UpdateExpression ?? '');
const itemOf = (input: unknown) => (input as { Item?: Record<string, unknown> }).Item ?? {};
const keyOf = (input: unknown) => (input as { Key?: Record<string, unknown> }).Key ?? {};
const isBatchItem = (key: Record<string, unknown>) => String(key.pk).startsWith('DIALBATCHES#');
// The document client's commands run under the low-level command's name.
const isUpdate = (command: string) => command === 'UpdateItemCommand' || command === 'UpdateCommand';
/** One contact's mark `dialing` (its own conditional UpdateItem). */
const isMark = (command: string, input: unknown) =>
  isUpdate(command) && updateOf(input).startsWith('SET #state = :dialing');
/** The batch's count and open flag on the campaign's DIALING item, written once its marks are. */
const isCount = (command: string, input: unknown) => isUpdate(command) && updateOf(input).includes('ADD dials');
/** The batch item put before the marks, listing them. */
const isBatchPut = (command: string, input: unknown) =>
  (command === 'PutItemCommand' || command === 'PutCommand') && isBatchItem(itemOf(input));
/** The update of the batch item recording Connect's answer. */
const isRecordAccepted = (command: string, input: unknown) =>
  isUpdate(command) && isBatchItem(keyOf(input)) && updateOf(input).includes('answeredAt');
/** The reconciler forgetting a batch none of whose dials is in flight. */
const isForget = (command: string, input: unknown) =>
  (command === 'DeleteItemCommand' || command === 'DeleteCommand') && isBatchItem(keyOf(input));
const isPut = (command: string) => command === 'PutOutboundRequestBatchCommand';

const FAULTS: DialingFault[] = [
  { name: 'dialing: no fault (reference check)' },
  { name: 'Connect ThrottlingException on half the PutOutboundRequestBatch calls', connect: { throttleCall: 0.5 } },
  {
    name: 'Connect RequestThrottled on 30% of dial requests',
    connect: { failRequests: { rate: 0.3, code: 'RequestThrottled' } },
  },
  {
    name: 'Connect BufferLimitExceeded on 30% of dial requests',
    connect: { failRequests: { rate: 0.3, code: 'BufferLimitExceeded' } },
  },
  {
    name: 'dispatcher killed after recording a dial batch, before marking its contacts',
    kill: (random) => (command, input, phase) => phase === 'after' && isBatchPut(command, input) && random() < 0.5,
  },
  {
    name: 'dispatcher killed after marking the attempts, before Connect',
    kill: (random) => (command, input, phase) => phase === 'after' && isMark(command, input) && random() < 0.5,
  },
  {
    name: 'dispatcher killed after counting a marked batch, before Connect',
    kill: (random) => (command, input, phase) => phase === 'after' && isCount(command, input) && random() < 0.5,
  },
  {
    name: 'dispatcher killed after Connect accepted, answer unread',
    kill: (random) => (command, _input, phase) => phase === 'after' && isPut(command) && random() < 0.5,
  },
  {
    name: 'dispatcher killed after Connect accepted, before recording',
    kill: (random) => (command, input, phase) =>
      phase === 'before' && isRecordAccepted(command, input) && random() < 0.5,
  },
  {
    name: 'dispatcher killed after recording what Connect accepted, before closing the batch',
    kill: (random) => (command, input, phase) =>
      phase === 'after' && isRecordAccepted(command, input) && random() < 0.5,
  },
  {
    name: 'reconciler killed after settling dials, before forgetting their batch (run again)',
    connect: { loseAnswer: 0.3 },
    kill: (random) => (command, input, phase) => phase === 'after' && isMark(command, input) && random() < 0.1,
    killReconciler: (random) => (command, input, phase) =>
      phase === 'before' && isForget(command, input) && random() < 0.5,
  },
  {
    name: 'Connect InternalServerException on half the batch calls',
    connect: { serverError: { rate: 0.5, name: 'InternalServerException', status: 500 } },
  },
  {
    name: 'Connect socket timeout after the request was sent (the dial landed but the answer was lost)',
    connect: { loseAnswer: 0.5 },
    resendsPlaced: true,
  },
  {
    name: 'Connect throttling + request failures + kills together',
    connect: { throttleCall: 0.15, failRequests: { rate: 0.2, code: 'BufferLimitExceeded' } },
    kill: (random) => (command, input, phase) =>
      ((phase === 'after' && (isPut(command) || isMark(command, input) || isCount(command, input))) ||
        (phase === 'before' && isRecordAccepted(command, input))) &&
      random() < 0.25,
  },
];

async function newPilot(): Promise<Campaign> {
  const id = `c-${randomBytes(8).toString('hex')}`;
  const connectId = `cc-${id}`;
  sim.addCampaign(connectId, 'Running');
  const base = storedCampaign(id, { state: 'pilot', revision: 1 });
  const campaign: Campaign = {
    ...base,
    pilot: { ...base.pilot, size: CONTACTS },
    pacing: { ...base.pacing, dialsPerMinute: 50 },
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: allDayWindows(),
      restrictedPeriods: [],
    },
    connect: { ...base.connect, connectCampaignId: connectId },
  };
  await new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }).create(campaign);
  await new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main }).addCampaignZones(id, [
    'Asia/Shanghai',
  ]);
  await seedContacts(
    tables.client,
    tables.names.main,
    id,
    Array.from({ length: CONTACTS }, (_, i) => ({ n: 70_000 + i })),
  );
  return campaign;
}

/** The campaign's contact items, read with the suite's own fault-free client (a test may scan its own table). */
async function contactItems(campaignId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await tables.client.send(
      new ScanCommand({
        TableName: tables.names.main,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': `CONTACT#${campaignId}` },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const placedFor = (campaign: Campaign) => sim.placed.filter((d) => d.campaignId === campaign.connect.connectCampaignId);

/** Tokens Connect had placed that came again in a later call it answered (with the first call's request id). */
function placedTokensResent(campaign: Campaign): number {
  const sends = new Map<string, number>();
  for (const r of sim.requests) {
    if (r.status !== 200 || r.path !== `/v2/campaigns/${campaign.connect.connectCampaignId}/outbound-requests`)
      continue;
    for (const o of (r.body as { outboundRequests?: { clientToken: string }[] }).outboundRequests ?? []) {
      sends.set(o.clientToken, (sends.get(o.clientToken) ?? 0) + 1);
    }
  }
  return placedFor(campaign).filter((d) => (sends.get(d.clientToken) ?? 0) > 1).length;
}

/**
 * The client tokens Connect's acceptance of which is on record: a dialing contact's attempt listed by the dial batch
 * its `dialing` field names, which Connect answered without refusing it (read with the suite's own client).
 */
async function recordedTokens(campaignId: string, items: readonly Record<string, unknown>[]): Promise<Set<string>> {
  const batches = new Map<string, Set<string>>();
  const keys = [
    ...new Set(items.flatMap((c) => ((c.dialing as { batch?: string } | undefined)?.batch ?? []) as string[])),
  ].map((b) => dialBatchKey(campaignId, b));
  for (let i = 0; i < keys.length; i += 100) {
    const out = await tables.client.send(
      new BatchGetCommand({
        RequestItems: { [tables.names.main]: { Keys: keys.slice(i, i + 100), ConsistentRead: true } },
      }),
    );
    for (const b of out.Responses?.[tables.names.main] ?? []) {
      if (b.answeredAt === undefined) continue;
      const refused = (b.unaccepted as Set<string> | undefined) ?? new Set<string>();
      const accepted = [...((b.marks as Set<string> | undefined) ?? [])].filter((ref) => !refused.has(ref));
      batches.set(String(b.sk), new Set(accepted));
    }
  }
  const recorded = new Set<string>();
  for (const c of items) {
    const dialing = c.dialing as { attempt?: number; batch?: string } | undefined;
    if (c.state !== 'dialing' || dialing?.batch === undefined) continue;
    const ref = `${String(c.phoneKey)}.${dialing.attempt}`;
    if (batches.get(dialing.batch)?.has(ref)) recorded.add(`${campaignId}.${ref}`);
  }
  return recorded;
}

/** Every contact placed and its placed dial recorded: nothing more will happen without outcomes. */
async function settled(campaign: Campaign): Promise<boolean> {
  const items = await contactItems(campaign.id);
  const placed = new Set(placedFor(campaign).map((d) => d.clientToken));
  const recorded = await recordedTokens(campaign.id, items);
  return (
    items.length === CONTACTS &&
    items.every((c) => {
      const dialing = c.dialing as { attempt?: number } | undefined;
      const token = `${campaign.id}.${String(c.phoneKey)}.${dialing?.attempt}`;
      return recorded.has(token) && placed.has(token);
    })
  );
}

async function measure(campaign: Campaign, store: DynamoDbDialingStore, row: FaultRow): Promise<void> {
  const placed = placedFor(campaign);
  const contacts = await contactItems(campaign.id);
  const items = new Map(contacts.map((c) => [String(c.phoneKey), c]));
  const recordedDials = await recordedTokens(campaign.id, contacts);
  const stats = await store.stats(campaign.id);
  row.contactsIn = CONTACTS;
  for (let i = 0; i < CONTACTS; i++) {
    const key = phoneKeyOf(70_000 + i);
    const dials = placed.filter((d) => d.attributes.phoneKey === key);
    if (dials.length === 0) {
      row.contactsLost++;
      continue;
    }
    row.attemptsDuplicated += dials.length - 1;
    const item = items.get(key);
    const dialing = item?.dialing as { attempt?: number } | undefined;
    const last = dials.at(-1);
    // The contact is dialing the attempt Connect placed last, and that acceptance is on record.
    const recorded =
      item?.state === 'dialing' &&
      last !== undefined &&
      last.clientToken === `${campaign.id}.${key}.${dialing?.attempt}` &&
      recordedDials.has(last.clientToken);
    if (!recorded) row.outcomesLost++;
  }
  for (const counted of [stats.dials, stats.pilotDials]) {
    if (counted > placed.length) row.attemptsDuplicated += counted - placed.length;
    else row.outcomesLost += placed.length - counted;
  }
}

describe('fault injection: dialing on DynamoDB Local and the Connect simulator', () => {
  for (const [n, fault] of FAULTS.entries()) {
    it(fault.name, async () => {
      // Spread the seeds: the generator's first draws from neighbouring seeds are nearly equal.
      const random = seededRandom(Math.imul(2_000 + n, 2_654_435_761));
      const clock = new ManualClock(START);
      const client = createDocumentClient({
        endpoint: tables.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const connectClient = new ConnectCampaignsV2Client({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      const campaign = await newPilot();
      const active = { on: false };
      const injected: FaultCounters | undefined = fault.connect
        ? injectConnectFaults(connectClient, fault.connect, () => active.on, random)
        : undefined;
      const life = new Invocations();
      life.attach(client);
      life.attach(connectClient);
      const dies = fault.kill?.(random);
      const reconcilerDies = fault.killReconciler?.(random);
      let dispatching = false;
      let reconcilerKills = 0;
      // Each of the two functions dies at most MAX_KILLS times.
      life.die = (command, input, phase) => {
        if (dispatching) return life.kills - reconcilerKills < MAX_KILLS && dies?.(command, input, phase) === true;
        const dead = reconcilerKills < MAX_KILLS && reconcilerDies?.(command, input, phase) === true;
        if (dead) reconcilerKills++;
        return dead;
      };

      const store = new DynamoDbDialingStore({ client, tableName: tables.names.main, sleep: async () => {} });
      const deps: DialingDeps = {
        campaigns: new DynamoDbCampaignRepository({ client, tableName: tables.names.main }),
        store,
        connect: new ConnectCampaignsAdapter({ client: connectClient }),
        limiter: new DynamoDbRateLimiter({
          client,
          tableName: tables.names.main,
          name: `connect-put-batch-${campaign.id}`,
          perSecond: 10,
          now: () => clock.now().getTime(),
          sleep: async (ms) => clock.advance(ms),
        }),
        clock,
        outcomes: placedCallsInProgress(() => campaign),
      };

      let failedRuns = 0;
      const run = async (work: () => Promise<unknown>) => {
        try {
          await life.run(work);
        } catch (error) {
          // A killed invocation fails; its schedule fires again. Anything else is a bug the suite must show.
          if ((error as Error).name !== 'FunctionKilled') throw error;
          failedRuns++;
        }
      };
      for (let tick = 0; tick < MAX_TICKS; tick++) {
        active.on = true;
        dispatching = true;
        await run(() => dispatchCampaign(deps, campaign));
        dispatching = false;
        await run(() => reconcileCampaign(deps, campaign));
        active.on = false;
        if (await settled(campaign)) break;
        clock.advance(TICK_MS);
      }
      client.destroy();
      connectClient.destroy();

      const row = emptyRow(fault.name);
      await measure(campaign, new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main }), row);
      row.faultsInjected = (injected?.injected ?? 0) + life.kills;
      rows.push(row);
      if (fault.connect) expect(injected?.injected).toBeGreaterThan(0);
      if (fault.kill) expect(life.kills).toBeGreaterThan(0);
      if (fault.killReconciler) expect(reconcilerKills).toBeGreaterThan(0);
      // The scenario exercised what it claims: resent tokens Connect had placed, each placed once all the same.
      if (fault.resendsPlaced) expect(placedTokensResent(campaign)).toBeGreaterThan(0);
      expect(failedRuns).toBe(life.kills);
      expect({
        lost: row.contactsLost,
        duplicated: row.attemptsDuplicated,
        outcomesLost: row.outcomesLost,
      }).toEqual({ lost: 0, duplicated: 0, outcomesLost: 0 });
    });
  }
});

describe('dialing fault accounting', () => {
  it('counts a contact never dialed, a second dial and an unrecorded dial when they happen', async () => {
    const campaign = await newPilot();
    const connect = new ConnectCampaignsAdapter({
      client: new ConnectCampaignsV2Client({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
    // One contact dialed twice (attempts 1 and 2) behind the dialer's back: nothing records either dial.
    const key = phoneKeyOf(70_000);
    const request = (attempt: number) => ({
      clientToken: `${campaign.id}.${key}.${attempt}`,
      phoneNumber: '+8613900000000',
      expiresAt: new Date(Date.parse(START) + 300_000),
      attributes: { phoneKey: key },
    });
    await connect.putDialRequests(campaign.connect.connectCampaignId as string, [request(1), request(2)]);
    const row = emptyRow('accounting');
    await measure(campaign, new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main }), row);
    expect(row).toMatchObject({
      contactsIn: CONTACTS,
      contactsLost: CONTACTS - 1,
      attemptsDuplicated: 1,
      // The unrecorded dial, and two placed dials missing from each of `dials` and `pilotDials`.
      outcomesLost: 1 + 2 + 2,
    });
  });
});
