import { describe, expect, it } from 'vitest';
import { type Campaign, campaignSchema } from '#shared/domain/campaign';
import {
  CONNECT_BACKOFF_SLACK_MS,
  campaignHold,
  type DialCandidate,
  decideContact,
  duePriority,
  MIN_DIAL_WINDOW_MS,
  nextEligibleAt,
  placeRetry,
} from '#shared/domain/dialing/eligibility';
import { checkFrequencyCaps } from '#shared/domain/dialing/frequency-caps';
import { dialBatches, dialBudget } from '#shared/domain/dialing/pacing';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

const weekdays = (ranges: { start: string; end: string }[]) => ({
  monday: ranges,
  tuesday: ranges,
  wednesday: ranges,
  thursday: ranges,
  friday: ranges,
  saturday: [],
  sunday: [],
});

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return campaignSchema.parse(
    storedCampaign('c-abcdefghij', {
      state: 'active',
      callingRules: {
        timeZone: 'Asia/Shanghai',
        windows: weekdays([
          { start: '09:00', end: '12:00' },
          { start: '14:00', end: '18:00' },
        ]),
        restrictedPeriods: [{ name: '清明节', startDate: '2027-04-05', endDate: '2027-04-05' }],
      },
      ...overrides,
    }),
  );
}

const candidate = (c: Partial<DialCandidate['contact']> = {}, doNotCall = false): DialCandidate => ({
  contact: { state: 'new', zone: 'Asia/Shanghai', attempts: 0, recentAttempts: [], ...c },
  doNotCall,
});

// 2027-03-01 is a Monday; 10:00 in Shanghai.
const MON_10 = new Date('2027-03-01T02:00:00Z');
/** Monday 12:00 in Shanghai, when the morning window closes. */
const NOON = new Date('2027-03-01T04:00:00Z');

describe('campaign holds', () => {
  const ctx = { pilotDialed: 0, connectRunning: true };
  it('lets an active campaign with a running Connect campaign dial', () => {
    expect(campaignHold(campaign(), ctx, MON_10)).toEqual({ ok: true });
  });
  it('holds a campaign that is not in pilot or active', () => {
    expect(campaignHold(campaign({ state: 'paused' }), ctx, MON_10)).toMatchObject({ reason: 'campaignNotDialing' });
    expect(campaignHold(campaign({ state: 'draft' }), ctx, MON_10)).toMatchObject({ reason: 'campaignNotDialing' });
  });
  it('holds at and after the deadline, not a millisecond before', () => {
    const c = campaign({ deadline: '2027-03-01T10:00:00+08:00' });
    expect(campaignHold(c, ctx, new Date(MON_10.getTime() - 1))).toEqual({ ok: true });
    expect(campaignHold(c, ctx, MON_10)).toMatchObject({ reason: 'deadlinePassed' });
  });
  it('holds a pilot that placed its size, and only a pilot', () => {
    const pilot = campaign({ state: 'pilot', pilot: { size: 10 } });
    expect(campaignHold(pilot, { ...ctx, pilotDialed: 9 }, MON_10)).toEqual({ ok: true });
    expect(campaignHold(pilot, { ...ctx, pilotDialed: 10 }, MON_10)).toMatchObject({ reason: 'pilotSizeReached' });
    expect(campaignHold(campaign({ pilot: { size: 10 } }), { ...ctx, pilotDialed: 10 }, MON_10)).toEqual({ ok: true });
  });
  it('holds when the Connect campaign is not running', () => {
    expect(campaignHold(campaign(), { ...ctx, connectRunning: false }, MON_10)).toMatchObject({
      reason: 'connectNotRunning',
    });
  });
  it('holds on an error Connect refused the dials with, naming it and since when, whatever the time', () => {
    const connectError = { code: 'ValidationException', at: '2027-02-20T01:00:00.000Z' };
    const hold = campaignHold(campaign(), { ...ctx, connectError }, MON_10);
    expect(hold).toMatchObject({ ok: false, reason: 'heldByConnectError', error: 'ValidationException' });
    expect(hold).toMatchObject({ since: connectError.at });
    expect(hold.ok ? '' : hold.message).toMatch(/ValidationException.*resume/);
    expect(hold).not.toHaveProperty('until');
    expect(campaignHold(campaign(), { ...ctx, connectError }, new Date('2027-03-20T02:00:00Z'))).toMatchObject({
      reason: 'heldByConnectError',
    });
  });
  it('holds through a transient-failure backoff until it ends, give or take the tick slack', () => {
    const retryAt = new Date(MON_10.getTime() + 3 * 60_000).toISOString();
    const connectRetry = { code: 'InternalServerException', failures: 2, since: '2027-03-01T01:58:00.000Z', retryAt };
    expect(campaignHold(campaign(), { ...ctx, connectRetry }, MON_10)).toMatchObject({
      ok: false,
      reason: 'connectUnavailableBackoff',
      error: 'InternalServerException',
      since: connectRetry.since,
      until: retryAt,
    });
    const justBefore = new Date(Date.parse(retryAt) - CONNECT_BACKOFF_SLACK_MS);
    expect(campaignHold(campaign(), { ...ctx, connectRetry }, new Date(justBefore.getTime() - 1))).toMatchObject({
      reason: 'connectUnavailableBackoff',
    });
    expect(campaignHold(campaign(), { ...ctx, connectRetry }, justBefore)).toEqual({ ok: true });
  });
  it('puts a Connect error before a backoff, and the campaign rules before both', () => {
    const both = {
      ...ctx,
      connectError: { code: 'AccessDeniedException', at: '2027-03-01T01:00:00.000Z' },
      connectRetry: {
        code: 'TimeoutError',
        failures: 1,
        since: '2027-03-01T01:59:00Z',
        retryAt: '2027-03-01T03:00:00Z',
      },
    };
    expect(campaignHold(campaign(), both, MON_10)).toMatchObject({ reason: 'heldByConnectError' });
    expect(campaignHold(campaign({ state: 'paused' }), both, MON_10)).toMatchObject({ reason: 'campaignNotDialing' });
  });
});

describe('contact eligibility at dial time', () => {
  it('dials a new contact inside its window as attempt 1, and a retried one as its next attempt', () => {
    expect(decideContact(campaign(), candidate(), MON_10)).toEqual({ dialable: true, attempt: 1, closesAt: NOON });
    expect(
      decideContact(
        campaign(),
        candidate({ state: 'retryWait', attempts: 2, recentAttempts: ['2027-02-25T02:00:00Z'] }),
        MON_10,
      ),
    ).toEqual({ dialable: true, attempt: 3, closesAt: NOON });
  });

  it('lets the dial request live no later than the end of the window, or the deadline if sooner', () => {
    const at1130 = new Date('2027-03-01T03:30:00Z');
    expect(decideContact(campaign(), candidate(), at1130)).toMatchObject({ dialable: true, closesAt: NOON });
    const c = campaign({ deadline: '2027-03-01T11:45:00+08:00' });
    expect(decideContact(c, candidate(), at1130)).toMatchObject({
      dialable: true,
      closesAt: new Date('2027-03-01T03:45:00Z'),
    });
  });

  it('holds a contact when less than a minute of its window is left, until the next opening', () => {
    const lastSeconds = new Date(NOON.getTime() - MIN_DIAL_WINDOW_MS + 1);
    expect(decideContact(campaign(), candidate(), lastSeconds)).toMatchObject({
      dialable: false,
      reason: 'outsideCallingWindow',
      nextEligibleAt: new Date('2027-03-01T06:00:00Z'),
      final: false,
    });
    const oneMinute = new Date(NOON.getTime() - MIN_DIAL_WINDOW_MS);
    expect(decideContact(campaign(), candidate(), oneMinute)).toMatchObject({ dialable: true, closesAt: NOON });
  });

  it('gives out no next eligible time in the last minute of a window: the dispatcher would hold the contact then', () => {
    const lastSeconds = new Date(NOON.getTime() - MIN_DIAL_WINDOW_MS + 1);
    const { contact } = candidate();
    expect(nextEligibleAt(campaign(), contact, lastSeconds)).toEqual(new Date('2027-03-01T06:00:00Z'));
    expect(nextEligibleAt(campaign(), contact, new Date(NOON.getTime() - MIN_DIAL_WINDOW_MS))).toEqual(
      new Date(NOON.getTime() - MIN_DIAL_WINDOW_MS),
    );
    // The deadline closes the window too: less than a minute before it, nothing is left.
    const c = campaign({ deadline: '2027-03-01T11:45:00+08:00' });
    expect(nextEligibleAt(c, contact, new Date('2027-03-01T03:44:30Z'))).toBeUndefined();
  });

  it('holds outside the window with the next opening as next eligible time', () => {
    const noon30 = new Date('2027-03-01T04:30:00Z'); // 12:30 local, lunch break
    expect(decideContact(campaign(), candidate(), noon30)).toMatchObject({
      dialable: false,
      reason: 'outsideCallingWindow',
      nextEligibleAt: new Date('2027-03-01T06:00:00Z'),
      final: false,
    });
  });

  it('tells a holiday apart from closed hours, and points past it', () => {
    const qingming = new Date('2027-04-05T02:00:00Z'); // Monday 10:00 local, restricted
    const c = campaign({ deadline: '2027-06-30T20:00:00+08:00' });
    expect(decideContact(c, candidate(), qingming)).toMatchObject({
      reason: 'restrictedPeriod',
      nextEligibleAt: new Date('2027-04-06T01:00:00Z'),
    });
  });

  it('uses the contact zone, not the campaign zone', () => {
    // 10:00 in Shanghai is 21:00 on Sunday in New York: closed there until Monday 09:00 EST.
    expect(decideContact(campaign(), candidate({ zone: 'America/New_York' }), MON_10)).toMatchObject({
      reason: 'outsideCallingWindow',
      nextEligibleAt: new Date('2027-03-01T14:00:00Z'),
    });
  });

  it('holds a DNC number for good, before anything else', () => {
    expect(decideContact(campaign(), candidate({}, true), MON_10)).toMatchObject({ reason: 'doNotCall', final: true });
  });

  it('holds a contact with all attempts used as exhausted', () => {
    expect(decideContact(campaign(), candidate({ attempts: 6 }), MON_10)).toMatchObject({
      reason: 'exhausted',
      final: true,
    });
  });

  it('skips final and in-flight contacts', () => {
    expect(decideContact(campaign(), candidate({ state: 'doneSuccess' }), MON_10)).toMatchObject({ reason: 'final' });
    expect(decideContact(campaign(), candidate({ state: 'dialing' }), MON_10)).toMatchObject({ reason: 'inFlight' });
  });

  it('waits for a retry that is not due yet', () => {
    const due = '2027-03-01T06:30:00.000Z';
    expect(decideContact(campaign(), candidate({ state: 'retryWait', attempts: 1, dueAt: due }), MON_10)).toMatchObject(
      {
        reason: 'waitingForRetry',
        nextEligibleAt: new Date(due),
      },
    );
  });

  it('applies the minimum gap, then pushes into the next window', () => {
    const last = '2027-03-01T01:30:00Z'; // 09:30 local; default gap 120 min → 11:30 local, inside the window
    expect(decideContact(campaign(), candidate({ attempts: 1, recentAttempts: [last] }), MON_10)).toMatchObject({
      reason: 'frequencyCap',
      cap: 'minGap',
      nextEligibleAt: new Date('2027-03-01T03:30:00Z'),
    });
    const later = '2027-03-01T02:30:00Z'; // gap ends 12:30, lunch: next 14:00
    expect(
      decideContact(campaign(), candidate({ attempts: 1, recentAttempts: [later] }), new Date('2027-03-01T03:00:00Z')),
    ).toMatchObject({ cap: 'minGap', nextEligibleAt: new Date('2027-03-01T06:00:00Z') });
  });

  it('applies the per-day cap in the contact local day', () => {
    const recent = ['2027-03-01T01:00:00Z', '2027-03-01T01:10:00Z'];
    const c = campaign({
      frequencyCaps: {
        maxAttemptsPerDay: 2,
        minMinutesBetweenAttempts: 1,
        rolling: { days: 7, maxAttempts: 6 },
        maxAttemptsTotal: 6,
      },
    });
    expect(decideContact(c, candidate({ attempts: 2, recentAttempts: recent }), MON_10)).toMatchObject({
      cap: 'perDay',
      nextEligibleAt: new Date('2027-03-02T01:00:00Z'),
    });
  });

  it('applies the rolling cap', () => {
    const c = campaign({
      frequencyCaps: {
        maxAttemptsPerDay: 5,
        minMinutesBetweenAttempts: 1,
        rolling: { days: 3, maxAttempts: 2 },
        maxAttemptsTotal: 6,
      },
    });
    const recent = ['2027-02-26T02:00:00Z', '2027-02-28T02:00:00Z'];
    // Window of 3 local days = Feb 27..Mar 1 holds one attempt; Feb 26 dropped out: dialable.
    expect(decideContact(c, candidate({ attempts: 2, recentAttempts: recent }), MON_10)).toEqual({
      dialable: true,
      attempt: 3,
      closesAt: NOON,
    });
    const recent2 = ['2027-02-27T02:00:00Z', '2027-02-28T02:00:00Z'];
    // Both in Feb 27..Mar 1; the Feb 27 one leaves on Mar 2.
    expect(
      checkFrequencyCaps(c.frequencyCaps, { attempts: 2, recentAttempts: recent2 }, MON_10, 'Asia/Shanghai'),
    ).toEqual({
      ok: false,
      cap: 'rolling',
      nextAt: new Date('2027-03-01T16:00:00Z'),
    });
  });

  it('finds no eligible time past the deadline', () => {
    const c = campaign({ deadline: '2027-03-01T12:30:00+08:00' });
    expect(nextEligibleAt(c, candidate().contact, new Date('2027-03-01T04:10:00Z'))).toBeUndefined();
  });
});

describe('priorities, pacing and retries', () => {
  it('orders callbacks, new mobiles, new fixed lines, retries', () => {
    expect(duePriority({ state: 'callback', numberType: 'fixedLine' })).toBe(1);
    expect(duePriority({ state: 'new', numberType: 'mobile' })).toBe(2);
    expect(duePriority({ state: 'new', numberType: 'fixedLine' })).toBe(3);
    expect(duePriority({ state: 'retryWait', numberType: 'mobile' })).toBe(4);
  });

  it('budgets per minute, and in pilot only what is left of the pilot', () => {
    expect(dialBudget(campaign({ pacing: { dialsPerMinute: 60 } }), 0)).toBe(60);
    expect(dialBudget(campaign({ state: 'pilot', pilot: { size: 100 }, pacing: { dialsPerMinute: 60 } }), 70)).toBe(30);
    expect(dialBudget(campaign({ state: 'pilot', pilot: { size: 100 }, pacing: { dialsPerMinute: 60 } }), 120)).toBe(0);
  });

  it('batches 25 at most per call, in order', () => {
    const batches = dialBatches(Array.from({ length: 60 }, (_, i) => i));
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
    expect(batches.flat()).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('places an expired attempt after its delay inside the window, and exhausts by policy', () => {
    const c = campaign();
    const contact = { zone: 'Asia/Shanghai', attempts: 1, recentAttempts: ['2027-03-01T00:00:00Z'] };
    expect(placeRetry(c, contact, 'expired', 1, MON_10)).toEqual({
      kind: 'retry',
      dueAt: new Date('2027-03-01T02:10:00Z'),
    });
    expect(placeRetry(c, contact, 'expired', 5, MON_10)).toMatchObject({ kind: 'exhausted' });
    expect(placeRetry(c, { ...contact, attempts: 6 }, 'expired', 1, MON_10)).toMatchObject({ kind: 'exhausted' });
  });
});
