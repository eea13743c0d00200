import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createContactRecordsHandler, createDispositionHandler } from '#functions/outcomes/handlers';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { contactSchema } from '#shared/domain/contact';
import { dialAttributes } from '#shared/use-cases/dialing/dispatch';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import {
  AGENT_ID,
  CAMPAIGN_ID,
  callInputs,
  outcomesCampaign,
  PHONE_KEY,
  SCENARIOS,
  toOutcomeInput,
} from '#test/unit/outcomes/scenarios';

// The campaign calls every day 09:00–21:00 (Shanghai), deadline 2027-03-31 20:00 +08:00; the agent files the
// disposition at 10:10 Shanghai time on 2027-03-02.
const NOW = '2027-03-02T02:10:00Z';

async function setup(contactZone?: string) {
  const world = memoryWorld();
  await world.seed(SCENARIOS[0] as (typeof SCENARIOS)[0]);
  if (contactZone) {
    const key = `${CAMPAIGN_ID}|${PHONE_KEY}`;
    const contact = world.store.contacts.get(key);
    if (!contact) throw new Error('seeded contact missing');
    world.store.contacts.set(key, { ...contact, zone: contactZone });
  }
  const clock = new ManualClock(NOW);
  const recorder = new OutcomeRecorder({ store: world.store, events: new InMemoryEventPublisher(), clock });
  const deps = { recorder, clock };
  const call = callInputs({
    attempt: 1,
    contactId: 'cb-1',
    start: '2027-03-02T02:00:00.000Z',
    answered: 'agent',
    talkSeconds: 120,
  });
  const ctr = call.find((i) => i.kind === 'ctr')?.payload;
  // The call's record is in before the agent wraps up, so a refusal must leave a recorded attempt untouched.
  await createContactRecordsHandler(deps)(kinesis([ctr]), {} as Context);
  return { world, deps, recorder, handler: createDispositionHandler(deps) };
}

/** The disposition flow event of the agent choosing CALLBACK at `callbackAt` (as typed in the guide). */
function callbackDisposition(callbackAt: string): unknown {
  const raw = callInputs({
    attempt: 1,
    contactId: 'cb-1',
    start: '2027-03-02T02:00:00.000Z',
    answered: 'agent',
    talkSeconds: 120,
    disposition: { code: 'CALLBACK', callbackAt },
  }).find((i) => i.kind === 'disposition');
  if (!raw) throw new Error('scenario has no disposition');
  return raw.payload;
}

function kinesis(payloads: unknown[]): KinesisStreamEvent {
  return {
    Records: payloads.map((p, i) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000:${i}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:111122223333:stream/ctr',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'p',
        sequenceNumber: String(1000 + i),
        approximateArrivalTimestamp: 0,
        data: Buffer.from(JSON.stringify(p)).toString('base64'),
      },
    })),
  };
}

type World = Awaited<ReturnType<typeof setup>>['world'];
const stored = (world: World) =>
  structuredClone({
    attempts: [...world.store.attempts.entries()],
    contacts: [...world.store.contacts.entries()],
    counters: world.store.counterSnapshot(),
    dnc: [...world.store.dnc.entries()],
  });

describe('callback refused: outside the window, past the deadline, in the past', () => {
  const cases = [
    {
      name: 'after the window closes (22:30 the same evening)',
      callbackAt: '2027-03-02T22:30:00+08:00',
      reason: 'outsideCallingWindow',
      // Nearest starts to 22:30: tomorrow's opening (10.5 h away), now, while today's window is open (12 h 20 min
      // away), then the day after.
      options: ['2027-03-02 10:10 +08:00', '2027-03-03 09:00 +08:00', '2027-03-04 09:00 +08:00'],
    },
    {
      name: 'before the window opens (07:00 tomorrow)',
      callbackAt: '2027-03-03T07:00:00+08:00',
      reason: 'outsideCallingWindow',
      options: ['2027-03-02 10:10 +08:00', '2027-03-03 09:00 +08:00', '2027-03-04 09:00 +08:00'],
    },
    {
      name: 'past the deadline (the morning after it)',
      callbackAt: '2027-04-01T10:00:00+08:00',
      reason: 'pastDeadline',
      // The last three openings before the deadline; none at or after it.
      options: ['2027-03-29 09:00 +08:00', '2027-03-30 09:00 +08:00', '2027-03-31 09:00 +08:00'],
    },
    {
      name: 'in the past (09:30 today, it is 10:10)',
      callbackAt: '2027-03-02T09:30:00+08:00',
      reason: 'inThePast',
      options: ['2027-03-02 10:10 +08:00', '2027-03-03 09:00 +08:00', '2027-03-04 09:00 +08:00'],
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: refused, nothing written, the nearest 3 allowed times offered`, async () => {
      const { world, handler } = await setup();
      const before = stored(world);
      const write = vi.spyOn(world.store, 'write');

      const answer = await handler(callbackDisposition(c.callbackAt));

      expect(answer).toEqual({
        status: 'callbackRefused',
        error: 'callbackOutsideWindow',
        reason: c.reason,
        zone: 'Asia/Shanghai',
        callbackOption1: c.options[0],
        callbackOption2: c.options[1],
        callbackOption3: c.options[2],
        callbackOptions: c.options.join(' | '),
      });
      expect(write).not.toHaveBeenCalled();
      expect(stored(world)).toEqual(before);
      expect(world.store.contacts.get(`${CAMPAIGN_ID}|${PHONE_KEY}`)?.state).toBe('retryWait');
    });
  }

  it('checks the window in the customer’s zone, not the campaign’s, and offers times in that zone', async () => {
    // 20:30 in Shanghai is inside the campaign's window, but the customer is in Tokyo where it is 21:30.
    const { world, handler } = await setup('Asia/Tokyo');
    const before = stored(world);
    const answer = await handler(callbackDisposition('2027-03-02T20:30:00+08:00'));
    expect(answer).toMatchObject({
      status: 'callbackRefused',
      error: 'callbackOutsideWindow',
      reason: 'outsideCallingWindow',
      zone: 'Asia/Tokyo',
      callbackOptions: '2027-03-02 11:10 +09:00 | 2027-03-03 09:00 +09:00 | 2027-03-04 09:00 +09:00',
    });
    expect(stored(world)).toEqual(before);
  });

  it('the recorder answers the same refusal with the options as UTC instants, and writes nothing', async () => {
    const { world, recorder } = await setup();
    const raw = callInputs({
      attempt: 1,
      contactId: 'cb-1',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 120,
      disposition: { code: 'CALLBACK', callbackAt: '2027-03-02T22:30:00+08:00' },
    }).find((i) => i.kind === 'disposition');
    const input = raw && toOutcomeInput({ ...raw, at: NOW });
    if (!input) throw new Error('no disposition input');
    const before = stored(world);
    const result = await recorder.record(input);
    expect(result.status).toBe('callbackRefused');
    expect(result.callbackRefused).toEqual({
      reason: 'outsideCallingWindow',
      zone: 'Asia/Shanghai',
      suggestions: ['2027-03-02T02:10:00.000Z', '2027-03-03T01:00:00.000Z', '2027-03-04T01:00:00.000Z'],
    });
    expect(result.contactState).toBeUndefined();
    expect(stored(world)).toEqual(before);
  });

  it('a time that is not a callback disposition is not checked (no refusal for a plain refusal code)', async () => {
    const { handler } = await setup();
    const raw = callInputs({
      attempt: 1,
      contactId: 'cb-1',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 120,
      disposition: { code: 'NOT_INTERESTED', callbackAt: '2027-03-02T23:00:00+08:00' },
    }).find((i) => i.kind === 'disposition');
    expect(await handler(raw?.payload)).toMatchObject({ status: 'recorded', contactState: 'doneRefused' });
  });
});

describe('callback accepted inside the window', () => {
  for (const callbackAt of ['2027-03-03T15:30:00+08:00', '2027-03-03T09:00:00+08:00']) {
    it(`${callbackAt}: booked at exactly that time, priority 1, and the next dial asks for the same agent`, async () => {
      const { world, handler, deps } = await setup();
      const answer = await handler(callbackDisposition(callbackAt));
      expect(answer).toEqual({ status: 'recorded', unknownCode: 'false', contactState: 'callback' });
      expect(answer).not.toHaveProperty('error');

      const contact = world.store.contacts.get(`${CAMPAIGN_ID}|${PHONE_KEY}`);
      const agreed = new Date(callbackAt).toISOString();
      expect(contact).toMatchObject({
        state: 'callback',
        dueAt: agreed,
        priority: 1,
        callback: { at: agreed, agentId: AGENT_ID },
      });

      // What the dispatcher sends when that due entry fires: the contact as stored, with its callback.
      const mark = {
        ref: {
          campaignId: CAMPAIGN_ID,
          phoneKey: PHONE_KEY,
          zone: 'Asia/Shanghai',
          shard: 0,
          priority: 1,
          dueAt: agreed,
          dueSk: `1#${agreed}#${PHONE_KEY}`,
        },
        contact: contactSchema.parse({
          campaignId: CAMPAIGN_ID,
          phoneKey: PHONE_KEY,
          e164: '+8613800000000',
          numberType: 'mobile',
          zone: 'Asia/Shanghai',
          listId: 'list-1',
          row: 1,
          attributes: {},
          state: 'callback',
          attempts: 1,
          dueAt: contact?.dueAt,
          callback: contact?.callback,
          createdAt: NOW,
          updatedAt: NOW,
        }),
        attempt: 2,
        requestedAt: agreed,
        expiresAt: agreed,
        deadline: agreed,
        recentAttempts: [],
      };
      expect(dialAttributes(outcomesCampaign(), mark)).toMatchObject({ preferredAgentId: AGENT_ID, attempt: '2' });

      // A repeat of the accepted time, filed again once that time has passed, is not checked again nor refused.
      deps.clock.set('2027-03-04T02:00:00Z');
      expect(await handler(callbackDisposition(callbackAt))).toMatchObject({
        status: 'recorded',
        contactState: 'callback',
      });
      expect(world.store.contacts.get(`${CAMPAIGN_ID}|${PHONE_KEY}`)).toMatchObject({ dueAt: agreed, priority: 1 });
    });
  }

  it('the last minute before the window closes is accepted; the closing minute itself is refused', async () => {
    const accepted = await setup();
    expect(await accepted.handler(callbackDisposition('2027-03-03T20:59:00+08:00'))).toMatchObject({
      status: 'recorded',
      contactState: 'callback',
    });
    const refused = await setup();
    expect(await refused.handler(callbackDisposition('2027-03-03T21:00:00+08:00'))).toMatchObject({
      status: 'callbackRefused',
      reason: 'outsideCallingWindow',
    });
  });
});

describe('callback refused by the frequency caps the dispatcher will apply', () => {
  /** The seeded contact dialed at 10:00 today (the call being disposed), under two hours' minimum gap. */
  async function capped(attempts = 1) {
    const s = await setup();
    const campaign = s.world.store.campaigns.get(CAMPAIGN_ID);
    if (!campaign) throw new Error('seeded campaign missing');
    s.world.store.campaigns.set(CAMPAIGN_ID, {
      ...campaign,
      frequencyCaps: { ...campaign.frequencyCaps, minMinutesBetweenAttempts: 120, maxAttemptsTotal: attempts + 1 },
    });
    const key = `${CAMPAIGN_ID}|${PHONE_KEY}`;
    const contact = s.world.store.contacts.get(key);
    if (!contact) throw new Error('seeded contact missing');
    s.world.store.contacts.set(key, { ...contact, recentAttempts: ['2027-03-02T02:00:00.000Z'] });
    // A fresh recorder: the set-up's has the campaign as it was cached.
    const clock = new ManualClock(NOW);
    const recorder = new OutcomeRecorder({ store: s.world.store, events: new InMemoryEventPublisher(), clock });
    return { world: s.world, handler: createDispositionHandler({ recorder, clock }) };
  }

  it('a time inside the minimum gap is refused with the first times the gap allows; nothing is written', async () => {
    const { world, handler } = await capped();
    const before = stored(world);
    expect(await handler(callbackDisposition('2027-03-02T11:00:00+08:00'))).toMatchObject({
      status: 'callbackRefused',
      reason: 'frequencyCap',
      callbackOption1: '2027-03-02 12:00 +08:00',
    });
    expect(stored(world)).toEqual(before);
    expect(await handler(callbackDisposition('2027-03-02T12:00:00+08:00'))).toMatchObject({
      status: 'recorded',
      contactState: 'callback',
    });
  });

  it('on the last attempt the campaign allows, no callback can be booked', async () => {
    const { handler } = await capped(0);
    expect(await handler(callbackDisposition('2027-03-03T10:00:00+08:00'))).toMatchObject({
      status: 'callbackRefused',
      reason: 'noAttemptsLeft',
      callbackOptions: '',
    });
  });
});
