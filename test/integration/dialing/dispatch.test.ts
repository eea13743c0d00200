import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import {
  dialBatchKey,
  dialingStatsKey,
  legacyDialBatchKey,
  OPEN_BATCH_PREFIX,
  openBatchAttribute,
} from '#shared/adapters/dynamodb/dialing-keys';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { contactKey, dueIndexKey, dueShard, phoneStatusKey } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import type { DialMark, DialUnmark } from '#shared/ports/contact-dialing';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { reconcileCampaign } from '#shared/use-cases/dialing/reconcile';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { useDialingWorld } from '#test/integration/helpers/dialing-deps';
import { e164Of, phoneKeyOf, type SeedContact } from '#test/integration/helpers/dialing-seed';

const ALL_DAY = [{ start: '00:00', end: '24:00' }];
const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai, Sunday 21:00 in New York
// newCampaign: an all-day active campaign (1 minute between attempts) with these contacts due.
const world = useDialingWorld('dialing', START, { minMinutesBetweenAttempts: 1 });
const { tables, newCampaign, placedFor, contactOf } = world;

const tokenOf = (campaign: Campaign, n: number, attempt: number) => `${campaign.id}.${phoneKeyOf(n)}.${attempt}`;
const minutes = (n: number) => n * 60_000;

describe('dispatcher tick on DynamoDB Local and the Connect simulator', () => {
  it('dials callbacks first, then new mobiles, within the pacing budget, only in open zones and never a DNC number', async () => {
    world.clock.set(START);
    const t = (m: number) => new Date(Date.parse('2027-02-28T00:00:00Z') + minutes(m)).toISOString();
    const contacts: SeedContact[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ n: i, priority: 1, state: 'callback', dueAt: t(i) })),
      ...Array.from({ length: 40 }, (_, i) => ({ n: 100 + i, priority: 2, dueAt: t(i) })),
      ...Array.from({ length: 10 }, (_, i) => ({
        n: 200 + i,
        numberType: 'fixedLine' as const,
        priority: 3,
        dueAt: t(i),
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        n: 300 + i,
        priority: 4,
        state: 'retryWait',
        attempts: 1,
        dueAt: t(i),
      })),
      { n: 400, priority: 1, state: 'callback', dnc: true, dueAt: t(0) },
      { n: 500, priority: 1, state: 'callback', zone: 'America/New_York', dueAt: t(0) },
      { n: 600, priority: 1, state: 'callback', dueAt: '2027-03-01T05:00:00.000Z' },
    ];
    const campaign = await newCampaign(
      {
        pacing: { dialsPerMinute: 30 },
        // A holiday in New York only: Sunday 2027-02-28 is the local date there at START.
        callingRules: {
          ...storedCampaign('c-xxxxxxxxxx').callingRules,
          windows: Object.fromEntries(
            ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, ALL_DAY]),
          ) as Campaign['callingRules']['windows'],
          restrictedPeriods: [{ name: 'holiday', startDate: '2027-02-28', endDate: '2027-02-28' }],
        },
      },
      contacts,
    );
    await world.store.addCampaignZones(campaign.id, ['America/New_York']);

    const report = await dispatchCampaign(world.deps, campaign);

    expect(report).toMatchObject({ budget: 30, selected: 30, dialed: 29, invalid: 0, requeued: 0 });
    expect(report.held).toEqual({ doNotCall: 1 });
    const dialed = new Set(placedFor(campaign).map((d) => d.phoneNumber));
    expect(dialed.size).toBe(29);
    for (let i = 0; i < 5; i++) expect(dialed.has(e164Of(i))).toBe(true);
    for (const n of [400, 500, 600, 200, 300]) expect(dialed.has(e164Of(n))).toBe(false);
    expect([...dialed].filter((p) => contacts.find((c) => e164Of(c.n) === p)?.priority === 2)).toHaveLength(24);
    expect(await contactOf(campaign, 400)).toMatchObject({ state: 'dnc' });
    expect((await contactOf(campaign, 400)).duePk).toBeUndefined();
    const first = await contactOf(campaign, 0);
    expect(first).toMatchObject({ state: 'dialing', attempts: 1, dialing: { attempt: 1 } });
    // Out of the due index while it is dialing: its batch is what finds it if no outcome comes.
    expect(first.duePk).toBeUndefined();
    expect(first.dueSk).toBeUndefined();
    expect(String((first.dialing as { batch?: string }).batch)).toMatch(/^2027-03-01T02:35:00.000Z#/);
    const sent = placedFor(campaign).find((d) => d.phoneNumber === e164Of(0));
    expect(sent?.clientToken).toBe(tokenOf(campaign, 0, 1));
    expect(sent?.attributes).toMatchObject({
      outcallCampaignId: campaign.id,
      attempt: '1',
      customerName: '客户0',
      company: '乐源',
    });
    expect((await world.store.stats(campaign.id)).dials).toBe(29);
  });

  it('loses nothing when Connect throttles the whole call or single requests, and resends the same tokens', async () => {
    world.clock.set(START);
    const campaign = await newCampaign(
      { pacing: { dialsPerMinute: 10 } },
      Array.from({ length: 10 }, (_, i) => ({ n: 1000 + i })),
    );
    world.sim.throttleNextBatches(1);
    const throttled = await dispatchCampaign(world.deps, campaign);
    expect(throttled).toMatchObject({ dialed: 0, requeued: 10 });
    expect(placedFor(campaign)).toHaveLength(0);
    expect(await contactOf(campaign, 1000)).toMatchObject({ state: 'new', attempts: 0 });
    expect((await world.store.stats(campaign.id)).lastThrottledAt).toBe(START);

    world.sim.setDialHandler((dial) => {
      if (dial.phoneNumber === e164Of(1001)) return { kind: 'fail', failureCode: 'InvalidInput' };
      if (dial.phoneNumber === e164Of(1002)) return { kind: 'fail', failureCode: 'RequestThrottled' };
      if (dial.phoneNumber === e164Of(1003)) return { kind: 'fail', failureCode: 'UnknownError' };
      return { kind: 'accept' };
    });
    world.clock.advance(minutes(1));
    const partial = await dispatchCampaign(world.deps, campaign);
    world.sim.setDialHandler(() => ({ kind: 'accept' }));
    expect(partial).toMatchObject({ dialed: 7, invalid: 1, requeued: 2 });
    expect(await contactOf(campaign, 1001)).toMatchObject({ state: 'invalid' });
    expect((await contactOf(campaign, 1001)).reason).toMatch(/invalid/);
    expect(await contactOf(campaign, 1002)).toMatchObject({ state: 'new', attempts: 0 });

    world.clock.advance(minutes(1));
    const again = await dispatchCampaign(world.deps, campaign);
    expect(again).toMatchObject({ dialed: 2 });
    const tokens = placedFor(campaign).map((d) => d.clientToken);
    expect(tokens).toContain(tokenOf(campaign, 1002, 1));
    expect(tokens).toContain(tokenOf(campaign, 1003, 1));
    expect(new Set(tokens).size).toBe(9);
  });

  it('after a crash between marking and sending, reconciles to the same client token, never a second one', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 2000 }]);
    // The tick's first half: selected and marked, then the process died before PutOutboundRequestBatch.
    const [ref] = await world.store.queryDue(
      campaign.id,
      'Asia/Shanghai',
      (await findShard(campaign, 2000)) ?? 0,
      2,
      START,
      5,
    );
    if (!ref) throw new Error('seeded contact not found in the due index');
    const [loaded] = await world.store.load([ref], START);
    if (!loaded) throw new Error('seeded contact not loaded');
    const mark: DialMark = {
      ref,
      contact: loaded.contact,
      attempt: 1,
      requestedAt: START,
      expiresAt: '2027-03-01T02:05:00.000Z',
      deadline: '2027-03-01T02:35:00.000Z',
      recentAttempts: [START],
    };
    expect((await world.store.markDialing(campaign.id, [mark], { pilot: false }, START)).marks).toHaveLength(1);

    world.clock.advance(minutes(20));
    expect((await reconcileCampaign(world.deps, campaign)).stale).toBe(0);
    world.clock.advance(minutes(16));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 1, resent: 1 });
    expect(await contactOf(campaign, 2000)).toMatchObject({ state: 'new', attempts: 0 });

    await dispatchCampaign(world.deps, campaign);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([tokenOf(campaign, 2000, 1)]);

    // Accepted this time, but no outcome ever comes back: expired, retried with attempt 2 = a new token.
    world.clock.advance(minutes(36));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 1, expired: 1 });
    const waiting = await contactOf(campaign, 2000);
    expect(waiting).toMatchObject({ state: 'retryWait', attempts: 1, attemptsByClass: { expired: 1 } });
    expect(String(waiting.dueSk)).toMatch(/^4#/);
    world.clock.advance(minutes(10));
    await dispatchCampaign(world.deps, campaign);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([
      tokenOf(campaign, 2000, 1),
      tokenOf(campaign, 2000, 2),
    ]);
    expect((await world.store.stats(campaign.id)).expired).toBe(1);
  });

  it('undoes an unconfirmed mark with its counts in one write, and leaves a dial an outcome settled counted', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({ state: 'pilot', pilot: { size: 10 } }, [{ n: 6000 }, { n: 6001 }]);
    const refs = (
      await Promise.all(
        Array.from({ length: 8 }, (_, shard) => world.store.queryDue(campaign.id, 'Asia/Shanghai', shard, 2, START, 5)),
      )
    ).flat();
    const loaded = await world.store.load(refs, START);
    const marks: DialMark[] = loaded.map((l) => ({
      ref: l.ref,
      contact: l.contact,
      attempt: 1,
      requestedAt: START,
      expiresAt: '2027-03-01T02:05:00.000Z',
      deadline: '2027-03-01T02:35:00.000Z',
      recentAttempts: [START],
    }));
    expect((await world.store.markDialing(campaign.id, marks, { pilot: true }, START)).marks).toHaveLength(2);
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 2, pilotDials: 2 });
    const [settled, unconfirmed] = marks as [DialMark, DialMark];
    // An outcome settles the first one: its dial happened and stays counted.
    await world.store.move(
      [{ ref: settled.ref, from: { attempt: 1 }, to: { kind: 'final', state: 'doneSuccess', reason: 'sale' } }],
      START,
    );

    const inFlight = await world.store.load(
      [{ ...unconfirmed.ref, priority: 0, dueSk: `0#2027-03-01T02:35:00.000Z#${unconfirmed.ref.phoneKey}` }],
      START,
    );
    expect(inFlight[0]?.inFlight).toMatchObject({ pilot: true });
    const back: DialUnmark['to'] = {
      kind: 'due',
      priority: 2,
      dueAt: START,
      state: 'new',
      attempts: 0,
      recentAttempts: [],
    };
    const moved = await world.store.unmarkDialing(
      campaign.id,
      [settled, unconfirmed].map((m) => ({ ref: m.ref, attempt: 1, counted: true, pilot: true, to: back })),
      START,
    );
    expect(moved).toBe(1);
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 1, pilotDials: 1 });
    const itemOf = (m: DialMark) => contactOf(campaign, m.ref.phoneKey === phoneKeyOf(6000) ? 6000 : 6001);
    expect(await itemOf(settled)).toMatchObject({ state: 'doneSuccess' });
    expect(await itemOf(unconfirmed)).toMatchObject({ state: 'new', attempts: 0 });
    expect((await itemOf(unconfirmed)).dialing).toBeUndefined();
  });

  it('keeps the pilot count exact when a crash left marks unconfirmed: the pilot still dials its whole size', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({ state: 'pilot', pilot: { size: 3 }, pacing: { dialsPerMinute: 3 } }, [
      { n: 6100 },
      { n: 6101 },
      { n: 6102 },
    ]);
    // A tick that died right after marking: every dial counted, none sent.
    const refs = (
      await Promise.all(
        Array.from({ length: 8 }, (_, shard) => world.store.queryDue(campaign.id, 'Asia/Shanghai', shard, 2, START, 5)),
      )
    ).flat();
    const marks: DialMark[] = (await world.store.load(refs, START)).map((l) => ({
      ref: l.ref,
      contact: l.contact,
      attempt: 1,
      requestedAt: START,
      expiresAt: '2027-03-01T02:05:00.000Z',
      deadline: '2027-03-01T02:35:00.000Z',
      recentAttempts: [START],
    }));
    const { batchId } = await world.store.markDialing(campaign.id, marks, { pilot: true }, START);
    expect((await world.store.stats(campaign.id)).pilotDials).toBe(3);
    expect(await dialingItem(campaign)).toHaveProperty(openBatchAttribute(batchId));

    world.clock.advance(minutes(36));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 3, resent: 3 });
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 0, pilotDials: 0 });
    // The batch left open is closed, unconfirmed (its dials counted, so they came off): the flag is off the
    // campaign's DIALING item, and with none of its dials in flight any more, the batch is forgotten.
    expect(await dialingItem(campaign)).not.toHaveProperty(openBatchAttribute(batchId));
    expect(await batchItem(campaign, batchId)).toBeUndefined();
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ budget: 3, dialed: 3 });
    expect(
      placedFor(campaign)
        .map((d) => d.clientToken)
        .sort(),
    ).toEqual([6100, 6101, 6102].map((n) => tokenOf(campaign, n, 1)).sort());
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 3, pilotDials: 3 });
  });

  it("records Connect's answer once per batch: each contact names its batch, the batch lists what it accepted", async () => {
    world.clock.set(START);
    const campaign = await newCampaign(
      { pacing: { dialsPerMinute: 30 } },
      Array.from({ length: 30 }, (_, i) => ({ n: 7000 + i })),
    );
    world.sim.setDialHandler((dial) =>
      dial.phoneNumber === e164Of(7007) ? { kind: 'fail', failureCode: 'InvalidInput' } : { kind: 'accept' },
    );
    const report = await dispatchCampaign(world.deps, campaign);
    world.sim.setDialHandler(() => ({ kind: 'accept' }));
    expect(report).toMatchObject({ dialed: 29, invalid: 1 });

    const contacts = await Promise.all(Array.from({ length: 30 }, (_, i) => contactOf(campaign, 7000 + i)));
    const dialing = contacts.filter((c) => c.state === 'dialing');
    expect(dialing).toHaveLength(29);
    const batchIds = [...new Set(dialing.map((c) => String((c.dialing as { batch?: string }).batch)))];
    // 30 dials in batches of 25: two batch items, and nothing of Connect's answer on the contacts themselves.
    expect(batchIds).toHaveLength(2);
    for (const c of dialing)
      expect(Object.keys(c.dialing as object).sort()).toEqual(['attempt', 'batch', 'expiresAt', 'requestedAt']);
    // Each batch lists its marks, and of Connect's answer only what it did not accept.
    const marked = new Set<string>();
    const unaccepted = new Set<string>();
    for (const id of batchIds) {
      const batch = await batchItem(campaign, id);
      expect(batch).toMatchObject({ answeredAt: START, closedAt: START });
      for (const ref of (batch?.marks as Set<string>) ?? []) marked.add(ref);
      for (const ref of (batch?.unaccepted as Set<string> | undefined) ?? []) unaccepted.add(ref);
    }
    expect(marked).toEqual(new Set(contacts.map((c) => `${String(c.phoneKey)}.1`)));
    expect(unaccepted).toEqual(new Set([`${phoneKeyOf(7007)}.1`]));
    expect(Object.keys(await dialingItem(campaign)).filter((k) => k.startsWith(OPEN_BATCH_PREFIX))).toEqual([]);
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 30, invalid: 1 });

    // Past their deadline, with no outcome: confirmed by their batch, so expired (a new token), never resent.
    world.clock.advance(minutes(36));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({
      stale: 29,
      resent: 0,
      expired: 29,
      batches: { read: 2, settled: 2 },
    });
    // None of their dials is in flight any more: the batches are forgotten.
    for (const id of batchIds) expect(await batchItem(campaign, id)).toBeUndefined();
  });

  it('after a crash between marking and counting, puts the marks back without uncounting them', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({ state: 'pilot', pilot: { size: 10 } }, [{ n: 7100 }, { n: 7101 }]);
    // The process dies as it sends the count: the marks are written, the batch neither counted nor sent.
    const { store: dying, client } = storeDyingAt((input) =>
      String((input as { UpdateExpression?: string }).UpdateExpression).includes('ADD dials'),
    );
    await expect(dispatchCampaign({ ...world.deps, store: dying }, campaign)).rejects.toThrow('killed');
    client.destroy();
    expect(await contactOf(campaign, 7100)).toMatchObject({ state: 'dialing', dialing: { attempt: 1 } });
    expect(placedFor(campaign)).toHaveLength(0);
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 0, pilotDials: 0 });

    world.clock.advance(minutes(36));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 2, resent: 2 });
    // Never counted, so nothing comes off: the counts stay at zero, not minus two.
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 0, pilotDials: 0 });
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ dialed: 2 });
    expect(
      placedFor(campaign)
        .map((d) => d.clientToken)
        .sort(),
    ).toEqual([tokenOf(campaign, 7100, 1), tokenOf(campaign, 7101, 1)].sort());
    expect(await world.store.stats(campaign.id)).toMatchObject({ dials: 2, pilotDials: 2 });
  });

  it('still reconciles marks made while dials kept a priority-0 due entry, whatever their record', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 7200 }, { n: 7201 }, { n: 7202 }, { n: 7203 }]);
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ dialed: 4 });
    const deadline = '2027-03-01T02:35:00.000Z';
    // As earlier dispatchers left them: a priority-0 entry at the dial deadline, and on record Connect's request id on
    // the contact (before dial batches), nothing (a mark counted by its transaction), or a batch of the first kind (an
    // id without `#`): closed with the dial accepted, or still open on the DIALING item.
    const legacy: [number, Record<string, unknown>][] = [
      [7200, { requestId: 'legacy-request-id', acceptedAt: START }],
      [7201, {}],
      [7202, { batch: 'legacyClosed1' }],
      [7203, { batch: 'legacyOpen1' }],
    ];
    for (const [n, record] of legacy) {
      const { batch: _batch, ...dialing } = (await contactOf(campaign, n)).dialing as Record<string, unknown>;
      const phoneKey = phoneKeyOf(n);
      await tables.client.send(
        new UpdateCommand({
          TableName: tables.names.main,
          Key: contactKey(campaign.id, phoneKey),
          UpdateExpression: 'SET dialing = :d, duePk = :pk, dueSk = :sk, dueAt = :at',
          ExpressionAttributeValues: {
            ':d': { ...dialing, ...record },
            ...Object.fromEntries(
              Object.entries(dueIndexKey(campaign.id, 'Asia/Shanghai', dueShard(phoneKey), 0, deadline, phoneKey)).map(
                ([k, v]) => [`:${k === 'duePk' ? 'pk' : 'sk'}`, v],
              ),
            ),
            ':at': deadline,
          },
        }),
      );
    }
    await tables.client.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: { ...legacyDialBatchKey(campaign.id, 'legacyClosed1'), accepted: new Set([`${phoneKeyOf(7202)}.1`]) },
      }),
    );
    await tables.client.send(
      new UpdateCommand({
        TableName: tables.names.main,
        Key: dialingStatsKey(campaign.id),
        UpdateExpression: 'SET #open = :deadline',
        ExpressionAttributeNames: { '#open': openBatchAttribute('legacyOpen1') },
        ExpressionAttributeValues: { ':deadline': deadline },
      }),
    );

    world.clock.advance(minutes(36));
    // Placed (request id, or listed by its closed batch): expired; counted but not confirmed: resent.
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 4, expired: 2, resent: 2 });
    expect(await contactOf(campaign, 7200)).toMatchObject({ state: 'retryWait' });
    expect(await contactOf(campaign, 7202)).toMatchObject({ state: 'retryWait' });
    expect(await contactOf(campaign, 7201)).toMatchObject({ state: 'new', attempts: 0 });
    expect(await contactOf(campaign, 7203)).toMatchObject({ state: 'new', attempts: 0 });
    expect(String((await contactOf(campaign, 7203)).dueSk)).toMatch(/^2#/);
    // The open legacy batch was closed as abandoned; the unconfirmed dials come off, to be counted again when resent.
    expect(await dialingItem(campaign)).not.toHaveProperty(openBatchAttribute('legacyOpen1'));
    const closed = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: legacyDialBatchKey(campaign.id, 'legacyOpen1') }),
    );
    expect(closed.Item).toMatchObject({ abandonedAt: world.clock.now().toISOString() });
    expect((await world.store.stats(campaign.id)).dials).toBe(2);
    expect(await priorityZeroEntries(campaign)).toEqual([]);
    // Nothing left for a second run.
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 0, resent: 0, expired: 0 });
  });

  it('finds a stale dial from its batch alone: no due entry is written while it is in flight', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 7300 }, { n: 7301 }]);
    world.sim.setDialHandler((dial) =>
      dial.phoneNumber === e164Of(7301) ? { kind: 'fail', failureCode: 'UnknownError' } : { kind: 'accept' },
    );
    // Connect leaves 7301 unanswered and the process dies before requeueing it: confirmed 7300, unconfirmed 7301.
    const { store: dying, client } = storeDyingAt(
      (input) => (input as { TransactItems?: unknown }).TransactItems !== undefined,
    );
    await expect(dispatchCampaign({ ...world.deps, store: dying }, campaign)).rejects.toThrow('killed');
    client.destroy();
    world.sim.setDialHandler(() => ({ kind: 'accept' }));
    for (const n of [7300, 7301]) {
      const item = await contactOf(campaign, n);
      expect(item).toMatchObject({ state: 'dialing' });
      expect(item.duePk).toBeUndefined();
    }
    expect(await priorityZeroEntries(campaign)).toEqual([]);

    world.clock.advance(minutes(34));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 0, batches: { read: 0 } });
    world.clock.advance(minutes(2));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({
      stale: 2,
      expired: 1,
      resent: 1,
      batches: { read: 1, settled: 1 },
    });
    // Both back in the index with their due keys: the expired one as a retry, the unconfirmed one where it was.
    expect(String((await contactOf(campaign, 7300)).dueSk)).toMatch(/^4#/);
    expect(await contactOf(campaign, 7301)).toMatchObject({ state: 'new', attempts: 0 });
    expect(String((await contactOf(campaign, 7301)).duePk)).toMatch(/^DUE#/);
    expect((await world.store.stats(campaign.id)).dials).toBe(1);
    await dispatchCampaign(world.deps, campaign);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([
      tokenOf(campaign, 7300, 1),
      tokenOf(campaign, 7301, 1),
    ]);
  });

  it('changes nothing when a batch is reconciled again (a run died before forgetting it, its schedule fired again)', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({ state: 'pilot', pilot: { size: 10 } }, [
      { n: 7400 },
      { n: 7401 },
      { n: 7402 },
    ]);
    world.sim.setDialHandler((dial) =>
      dial.phoneNumber === e164Of(7402) ? { kind: 'fail', failureCode: 'UnknownError' } : { kind: 'accept' },
    );
    // 7402 unanswered and left marked (the process died before requeueing it), 7400 and 7401 placed.
    const { store: dying, client } = storeDyingAt(
      (input) => (input as { TransactItems?: unknown }).TransactItems !== undefined,
    );
    await expect(dispatchCampaign({ ...world.deps, store: dying }, campaign)).rejects.toThrow('killed');
    client.destroy();
    world.sim.setDialHandler(() => ({ kind: 'accept' }));

    world.clock.advance(minutes(36));
    // The first run settles every dial, then dies before it forgets the batch.
    const forgetless = new (class extends DynamoDbDialingStore {
      override async settleBatches(): Promise<void> {
        throw Object.assign(new Error('killed'), { name: 'FunctionKilled' });
      }
    })({ client: tables.client, tableName: tables.names.main });
    await expect(reconcileCampaign({ ...world.deps, store: forgetless }, campaign)).rejects.toThrow('killed');
    const snapshot = async () => ({
      contacts: await Promise.all([7400, 7401, 7402].map((n) => contactOf(campaign, n))),
      stats: await world.store.stats(campaign.id),
    });
    const after = await snapshot();
    expect(after.contacts.map((c) => c.state)).toEqual(['retryWait', 'retryWait', 'new']);
    expect(after.stats).toMatchObject({ dials: 2, pilotDials: 2, expired: 2 });

    // The same run again: the batch is read again, nothing of it is in flight, nothing moves; it is forgotten.
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({
      stale: 0,
      resent: 0,
      expired: 0,
      batches: { read: 1, settled: 1 },
    });
    expect(await snapshot()).toEqual(after);
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ batches: { read: 0, settled: 0 } });
  });

  it('stops a pilot at its size, in total over ticks', async () => {
    world.clock.set(START);
    const campaign = await newCampaign(
      { state: 'pilot', pilot: { size: 7 }, pacing: { dialsPerMinute: 5 } },
      Array.from({ length: 20 }, (_, i) => ({ n: 3000 + i })),
    );
    expect((await dispatchCampaign(world.deps, campaign)).dialed).toBe(5);
    world.clock.advance(minutes(1));
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ budget: 2, dialed: 2 });
    world.clock.advance(minutes(1));
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ hold: 'pilotSizeReached', dialed: 0 });
    expect(placedFor(campaign)).toHaveLength(7);
    expect((await world.store.stats(campaign.id)).pilotDials).toBe(7);
  });

  it('places nothing once the deadline has passed', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({ deadline: '2027-03-01T01:59:00Z' }, [{ n: 4000 }]);
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({ hold: 'deadlinePassed', dialed: 0 });
    expect(placedFor(campaign)).toHaveLength(0);
  });

  it('re-reads DNC at dial time: a number put on DNC after its first attempt is not dialed again', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 5000 }, { n: 5001 }]);
    expect((await dispatchCampaign(world.deps, campaign)).dialed).toBe(2);
    world.clock.advance(minutes(36));
    await reconcileCampaign(world.deps, campaign);
    await tables.client.send(
      new UpdateCommand({
        TableName: tables.names.main,
        Key: phoneStatusKey(phoneKeyOf(5000)),
        UpdateExpression: 'SET dnc = :d',
        ExpressionAttributeValues: { ':d': { source: 'request', at: world.clock.now().toISOString() } },
      }),
    );
    world.clock.advance(minutes(15));
    const report = await dispatchCampaign(world.deps, campaign);
    expect(report).toMatchObject({ dialed: 1, held: { doNotCall: 1 } });
    expect(await contactOf(campaign, 5000)).toMatchObject({ state: 'dnc' });
    expect(placedFor(campaign).filter((d) => d.phoneNumber === e164Of(5000))).toHaveLength(1);
  });
});

/** A dialing store whose process is killed at each request `dies` picks (the request is never sent). */
function storeDyingAt(dies: (input: unknown) => boolean) {
  const client = createDocumentClient({
    endpoint: tables.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      if (dies(args.input)) throw Object.assign(new Error('killed'), { name: 'FunctionKilled' });
      return next(args);
    },
    { step: 'initialize', name: 'dieAt' },
  );
  return { store: new DynamoDbDialingStore({ client, tableName: tables.names.main, sleep: async () => {} }), client };
}

async function dialingItem(campaign: Campaign) {
  const out = await tables.client.send(
    new GetCommand({ TableName: tables.names.main, Key: dialingStatsKey(campaign.id), ConsistentRead: true }),
  );
  return out.Item ?? {};
}

async function batchItem(campaign: Campaign, batchId: string) {
  const out = await tables.client.send(
    new GetCommand({ TableName: tables.names.main, Key: dialBatchKey(campaign.id, batchId), ConsistentRead: true }),
  );
  return out.Item;
}

/** Every priority-0 entry of the campaign's due partitions (what marks used to write), in every zone and shard. */
async function priorityZeroEntries(campaign: Campaign): Promise<string[]> {
  const zones = ['Asia/Shanghai', 'America/New_York'];
  const found: string[] = [];
  for (const zone of zones) {
    for (let shard = 0; shard < 8; shard++) {
      const refs = await world.store.queryDue(campaign.id, zone, shard, 0, '9999-12-31T00:00:00.000Z', 100);
      found.push(...refs.map((r) => r.dueSk));
    }
  }
  return found;
}

async function findShard(campaign: Campaign, n: number): Promise<number | undefined> {
  const item = await contactOf(campaign, n);
  const shard = String(item.duePk ?? '').split('#')[3];
  return shard === undefined ? undefined : Number(shard);
}
