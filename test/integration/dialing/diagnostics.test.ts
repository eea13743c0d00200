import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '#cli/main';
import type { DiagnosticsReport } from '#events/api/diagnostics';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import { explainCampaign } from '#shared/use-cases/dialing/diagnostics';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { type SeedContact, seedContacts } from '#test/integration/helpers/dialing-seed';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('diagnostics');
const NOW = '2027-03-01T02:00:00.000Z'; // Monday 10:00 Shanghai, Sunday 21:00 New York
let campaign: Campaign;
let store: DynamoDbDialingStore;
let repository: DynamoDbCampaignRepository;

beforeAll(async () => {
  repository = new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main });
  store = new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main });
  campaign = storedCampaign(`c-${randomBytes(8).toString('hex')}`, { state: 'review' });
  await repository.create(campaign);
  await store.addCampaignZones(campaign.id, ['Asia/Shanghai', 'America/New_York']);
  const past = '2027-02-28T00:00:00.000Z';
  const contacts: SeedContact[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ n: i, dueAt: past })),
    ...Array.from({ length: 3 }, (_, i) => ({ n: 100 + i, zone: 'America/New_York', dueAt: past })),
    ...Array.from({ length: 2 }, (_, i) => ({ n: 200 + i, dnc: true, dueAt: past })),
    { n: 300, priority: 4, state: 'retryWait', attempts: 1, recentAttempts: ['2027-03-01T01:30:00.000Z'], dueAt: past },
    ...Array.from({ length: 4 }, (_, i) => ({
      n: 400 + i,
      priority: 4,
      state: 'retryWait',
      attempts: 1,
      dueAt: '2027-03-02T02:00:00.000Z',
    })),
  ];
  await seedContacts(tables.client, tables.names.main, campaign.id, contacts);
});

describe('why is nothing dialing', () => {
  it('before launch, tells how many of the waiting contacts would be skipped and why', async () => {
    const report = await explainCampaign({ campaigns: repository, store, clock: new ManualClock(NOW) }, campaign.id);
    expect(report.campaignHolds.map((h) => h.reason).sort()).toEqual(['campaignNotDialing', 'connectNotRunning']);
    expect(report.contacts).toMatchObject({
      waiting: 20,
      dueNow: 16,
      dialableNow: 10,
      dialableNowExact: true,
      inFlight: 0,
    });
    expect(report.held).toEqual({ outsideCallingWindow: 3, waitingForRetry: 4, doNotCall: 2, frequencyCap: 1 });
    const ny = report.zones.find((z) => z.zone === 'America/New_York');
    expect(ny).toMatchObject({ open: false, dueNow: 3, nextOpenAt: '2027-03-01T14:00:00.000Z' });
    expect(report.summary).toMatch(/^10 of 20 waiting contacts will be skipped now/);
  });

  it('answers the same through `outcall campaign explain --endpoint --table --json`', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), setExitCode: () => {} };
    await buildProgram(io).parseAsync([
      'node',
      'outcall',
      'campaign',
      'explain',
      campaign.id,
      '--endpoint',
      tables.endpoint,
      '--table',
      tables.names.main,
      '--json',
    ]);
    const report = JSON.parse(out.join('\n')) as DiagnosticsReport;
    // The CLI runs on the real clock: only time-independent figures are compared.
    expect(report.campaignId).toBe(campaign.id);
    expect(report.contacts.waiting).toBe(20);
    expect(report.campaignHolds.map((h) => h.reason)).toContain('campaignNotDialing');
  });

  it('counts dials in flight from the unsettled dial batches, by zone, with marks from before still in the index', async () => {
    const busy = storedCampaign(`c-${randomBytes(8).toString('hex')}`, { state: 'active' });
    await repository.create(busy);
    await store.addCampaignZones(busy.id, ['Asia/Shanghai', 'America/New_York']);
    const past = '2027-02-28T00:00:00.000Z';
    await seedContacts(tables.client, tables.names.main, busy.id, [
      ...Array.from({ length: 30 }, (_, i) => ({ n: 500 + i, dueAt: past })),
      ...Array.from({ length: 2 }, (_, i) => ({ n: 600 + i, zone: 'America/New_York', dueAt: past })),
      // Marked before dials left the index: a priority-0 entry at its deadline.
      { n: 700, priority: 0, state: 'dialing', attempts: 1, dueAt: '2027-03-01T02:35:00.000Z' },
    ]);
    const refs = [];
    for (const zone of ['Asia/Shanghai', 'America/New_York']) {
      for (let shard = 0; shard < 8; shard++) refs.push(...(await store.queryDue(busy.id, zone, shard, 2, NOW, 100)));
    }
    const loaded = await store.load(refs, NOW);
    expect(loaded).toHaveLength(32);
    const marks = loaded.map((l) => ({
      ref: l.ref,
      contact: l.contact,
      attempt: 1,
      requestedAt: NOW,
      expiresAt: '2027-03-01T02:05:00.000Z',
      deadline: '2027-03-01T02:35:00.000Z',
      recentAttempts: [NOW],
    }));
    // Two batches of 25 and 7; one dial of the first is settled by an outcome (no longer dialing).
    const [first] = await Promise.all([
      store.markDialing(busy.id, marks.slice(0, 25), { pilot: false }, NOW),
      store.markDialing(busy.id, marks.slice(25), { pilot: false }, NOW),
    ]);
    const done = first.marks[0];
    if (!done) throw new Error('nothing marked');
    await store.move(
      [{ ref: done.ref, from: { attempt: 1 }, to: { kind: 'final', state: 'doneRefused', reason: 'x' } }],
      NOW,
    );

    const explain = (inFlightReads?: number) =>
      explainCampaign(
        { campaigns: repository, store, clock: new ManualClock(NOW), ...(inFlightReads ? { inFlightReads } : {}) },
        busy.id,
      );
    const report = await explain();
    expect(report.contacts).toMatchObject({ inFlight: 32, inFlightExact: true, waiting: 0 });
    expect(report.zones.find((z) => z.zone === 'America/New_York')).toMatchObject({ inFlight: 2 });
    expect(report.zones.find((z) => z.zone === 'Asia/Shanghai')).toMatchObject({ inFlight: 30 });
    expect(report.held.inFlight).toBe(32);

    // Past the reading budget (one batch, whichever sorts first): what was read, and said to be a lower bound.
    const capped = await explain(5);
    expect(capped.contacts.inFlightExact).toBe(false);
    expect(capped.contacts.inFlight).toBeGreaterThan(0);
    expect(capped.contacts.inFlight).toBeLessThan(32);
  });
});
