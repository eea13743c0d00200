import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';
import {
  ConnectCallError,
  type ConnectCampaigns,
  ConnectThrottledError,
  ConnectUnavailableError,
  type DialRequest,
  type DialResult,
} from '#shared/ports/connect-campaigns';
import type {
  ConnectRetry,
  ContactDialing,
  DialingStats,
  DialMark,
  DialUnmark,
  DueRef,
  StatsDelta,
} from '#shared/ports/contact-dialing';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign, nextStreak } from '#shared/use-cases/dialing/dispatch';
import { allDayWindows } from '#test/fixtures/calling-windows';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

const START = '2027-03-01T02:00:00.000Z';
const ZONE = 'Asia/Shanghai';
const minutes = (n: number) => n * 60_000;

interface Entry {
  contact: Contact;
  /** Its due entry; none while it is dialing. */
  ref: DueRef | undefined;
  batch?: string;
  pilot?: boolean;
}

/** A dial batch as the fake keeps it: counted when opened; closed with the phone keys Connect accepted, if it answered. */
interface Batch {
  marked: string[];
  closed: boolean;
  accepted?: string[];
}

/**
 * The dialing store as the dispatcher uses it, in memory: contacts in a due index, marks and unmarks conditional on
 * where the contact is, counts kept as the DynamoDB adapter keeps them. It records the writes the dispatcher asks for.
 */
class FakeStore {
  readonly entries = new Map<string, Entry>();
  readonly figures: DialingStats = {
    dials: 0,
    pilotDials: 0,
    invalid: 0,
    exhausted: 0,
    dnc: 0,
    expired: 0,
    throttled: 0,
  };
  readonly unmarks: { unmarks: DialUnmark[]; stats: StatsDelta | undefined }[] = [];
  readonly statWrites: StatsDelta[] = [];
  /** The dispatcher tick holding the campaign, as the DIALING item keeps it. */
  tick: { owner: string; until: string } | undefined;
  readonly moves: unknown[] = [];
  readonly batches = new Map<string, Batch>();
  /** Every write the store was asked for, in order, by kind (`mark`, `close`, `unmark`, `move`). */
  readonly writes: string[] = [];

  constructor(campaignId: string, count: number) {
    for (let i = 0; i < count; i++) {
      const phoneKey = `pk${String(i).padStart(20, '0')}`;
      const contact: Contact = {
        campaignId,
        phoneKey,
        e164: `+86138${String(i).padStart(8, '0')}`,
        numberType: 'mobile',
        zone: ZONE,
        listId: 'l-1',
        row: i + 1,
        attributes: { extra: {} },
        state: 'new',
        attempts: 0,
        attemptsByClass: {},
        recentAttempts: [],
        createdAt: START,
        updatedAt: START,
      };
      this.entries.set(phoneKey, { contact, ref: this.#ref(campaignId, phoneKey, 2, '2027-01-01T00:00:00.000Z') });
    }
  }

  #ref(campaignId: string, phoneKey: string, priority: number, dueAt: string): DueRef {
    return { campaignId, phoneKey, zone: ZONE, shard: 0, priority, dueAt, dueSk: `${priority}#${dueAt}#${phoneKey}` };
  }

  #add(delta: StatsDelta) {
    for (const k of ['dials', 'pilotDials', 'invalid', 'exhausted', 'dnc', 'expired', 'throttled'] as const) {
      this.figures[k] += delta[k] ?? 0;
    }
    if (delta.lastThrottledAt) this.figures.lastThrottledAt = delta.lastThrottledAt;
  }

  readonly port: ContactDialing = {
    campaignZones: async () => [ZONE],
    addCampaignZones: async () => {},
    queryDue: async (_c, _zone, shard, priority, untilIso, limit) =>
      [...this.entries.values()]
        .flatMap((e) => e.ref ?? [])
        .filter((r) => shard === 0 && r.priority === priority && r.dueAt <= untilIso)
        .sort((a, b) => a.dueSk.localeCompare(b.dueSk))
        .slice(0, limit),
    queryDueAfter: async () => ({ refs: [], done: true }),
    setRetryRules: async (_c, value) => {
      this.figures.retryRules = value;
    },
    load: async (refs) =>
      refs.flatMap((ref) => {
        const e = this.entries.get(ref.phoneKey);
        return e && e.ref?.dueSk === ref.dueSk ? [{ ref, contact: e.contact, doNotCall: false }] : [];
      }),
    markDialing: async (_c, marks, { pilot }) => {
      const batchId = `b-${this.batches.size + 1}`;
      const done: DialMark[] = [];
      for (const m of marks) {
        const e = this.entries.get(m.ref.phoneKey);
        if (!e || e.ref?.dueSk !== m.ref.dueSk) continue;
        e.contact = {
          ...e.contact,
          state: 'dialing',
          attempts: m.attempt,
          recentAttempts: m.recentAttempts,
          dialing: { attempt: m.attempt, requestedAt: m.requestedAt, expiresAt: m.expiresAt },
        };
        // Out of the due index while it is dialing, as the adapter's mark takes it out.
        e.ref = undefined;
        e.pilot = pilot;
        e.batch = batchId;
        done.push(m);
      }
      this.writes.push('mark');
      if (done.length === 0) return { batchId, marks: [] };
      // Counted when the batch opens, as the adapter counts it.
      this.batches.set(batchId, { marked: done.map((m) => m.ref.phoneKey), closed: false });
      this.#add({ dials: done.length, pilotDials: pilot ? done.length : 0 });
      return { batchId, marks: done };
    },
    closeBatch: async (_c, { batchId }, answer) => {
      this.writes.push('close');
      const batch = this.batches.get(batchId);
      if (!batch || batch.closed) throw new Error(`batch ${batchId} is not open`);
      batch.closed = true;
      if (answer) batch.accepted = answer.accepted.map((m) => m.ref.phoneKey);
    },
    closeAbandonedBatches: async () => 0,
    staleDials: async () => ({ batchIds: [], dials: [], unreadable: [] }),
    settleBatches: async () => {},
    move: async (moves) => {
      this.writes.push('move');
      this.moves.push(...moves);
      return moves.length;
    },
    unmarkDialing: async (_c, unmarks, _now, stats) => {
      this.writes.push('unmark');
      this.unmarks.push({ unmarks: [...unmarks], stats });
      let moved = 0;
      let counted = 0;
      let pilots = 0;
      for (const u of unmarks) {
        const e = this.entries.get(u.ref.phoneKey);
        if (e?.contact.state !== 'dialing' || e.contact.dialing?.attempt !== u.attempt) continue;
        const { dialing: _dialing, ...rest } = e.contact;
        e.contact = { ...rest, state: u.to.state, attempts: u.to.attempts, recentAttempts: u.to.recentAttempts };
        e.ref = this.#ref(u.ref.campaignId, u.ref.phoneKey, u.to.priority, u.to.dueAt);
        delete e.batch;
        moved++;
        if (u.counted) counted++;
        if (u.counted && u.pilot) pilots++;
      }
      this.#add({ ...stats, dials: (stats?.dials ?? 0) - counted, pilotDials: (stats?.pilotDials ?? 0) - pilots });
      return moved;
    },
    stats: async () => structuredClone(this.figures),
    claimTick: async (_c, owner, nowIso, untilIso) => {
      if (this.tick && this.tick.until > nowIso && this.tick.owner !== owner) return false;
      this.tick = { owner, until: untilIso };
      return true;
    },
    releaseTick: async (_c, owner) => {
      if (this.tick?.owner === owner) this.tick = undefined;
    },
    addStats: async (_c, delta) => {
      this.statWrites.push(delta);
      this.#add(delta);
    },
    setConnectError: async (_c, error) => {
      this.figures.connectError = error;
    },
    setConnectRetry: async (_c, retry) => {
      this.figures.connectRetry = retry;
    },
  };
}

type Answer = 'accept' | Error | ((requests: readonly DialRequest[]) => DialResult[]);

/** Connect as a script of answers, one per PutOutboundRequestBatch call; records every token sent. */
class FakeConnect {
  readonly sent: string[][] = [];
  readonly script: Answer[] = [];
  readonly #requestIds = new Map<string, string>();

  readonly port = {
    putDialRequests: async (_id: string, requests: readonly DialRequest[]): Promise<DialResult[]> => {
      this.sent.push(requests.map((r) => r.clientToken));
      const answer = this.script.shift() ?? 'accept';
      if (answer instanceof Error) throw answer;
      if (typeof answer === 'function') return answer(requests);
      return requests.map((r) => {
        const requestId = this.#requestIds.get(r.clientToken) ?? `req-${this.#requestIds.size + 1}`;
        this.#requestIds.set(r.clientToken, requestId);
        return { clientToken: r.clientToken, outcome: 'accepted' as const, requestId };
      });
    },
  } as unknown as ConnectCampaigns;
}

function setup(options: { state?: 'active' | 'pilot'; contacts?: number } = {}) {
  const id = 'c-unitdispatch0001';
  const base = storedCampaign(id, { state: options.state ?? 'active' });
  const campaign: Campaign = {
    ...base,
    pilot: { ...base.pilot, size: 100 },
    pacing: { ...base.pacing, dialsPerMinute: 30 },
    callingRules: {
      timeZone: ZONE,
      windows: allDayWindows(),
      restrictedPeriods: [],
    },
    connect: { ...base.connect, connectCampaignId: 'cc-unit' },
  };
  const store = new FakeStore(id, options.contacts ?? 10);
  const connect = new FakeConnect();
  const clock = new ManualClock(START);
  const warnings: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const deps: DialingDeps = {
    campaigns: { get: async () => campaign, list: async () => ({ items: [campaign] }) },
    store: store.port,
    connect: connect.port,
    limiter: { acquire: async () => true },
    clock,
    log: { info: () => {}, warn: (message, fields) => warnings.push({ message, fields }) },
  };
  return { campaign, store, connect, clock, deps, warnings };
}

const unavailable = (code = 'InternalServerException') => new ConnectUnavailableError(code, `failed: ${code}`);

describe('dispatcher: dials marked but not placed go back in one write', () => {
  it('requeues a throttled call through unmarkDialing: same attempt, pilot flag, counts and throttle in one call', async () => {
    const { campaign, store, connect, clock, deps } = setup({ state: 'pilot', contacts: 3 });
    connect.script.push(new ConnectThrottledError('throttled'));

    const report = await dispatchCampaign(deps, campaign);

    expect(report).toMatchObject({ dialed: 0, requeued: 3, throttled: 3 });
    expect(store.unmarks).toHaveLength(1);
    const [call] = store.unmarks;
    expect(call?.unmarks.map((u) => [u.attempt, u.counted, u.pilot])).toEqual([
      [1, true, true],
      [1, true, true],
      [1, true, true],
    ]);
    expect(call?.unmarks[0]?.to).toMatchObject({ kind: 'due', priority: 2, state: 'new', attempts: 0 });
    expect(call?.unmarks[0]?.to.recentAttempts).toEqual([]);
    expect(call?.stats).toEqual({ throttled: 3, lastThrottledAt: START });
    // No second, separate write of the counts.
    expect(store.statWrites).toEqual([]);
    expect(store.moves).toEqual([]);
    expect(store.figures).toMatchObject({ dials: 0, pilotDials: 0, throttled: 3 });

    clock.advance(minutes(1));
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 3 });
    // The resend carries the very tokens of the throttled call.
    expect(connect.sent[1]).toEqual(connect.sent[0]);
    expect(store.figures).toMatchObject({ dials: 3, pilotDials: 3 });
  });

  it('requeues the requests Connect throttled or left unanswered one by one, counting only the throttled', async () => {
    const { campaign, store, connect, deps } = setup({ contacts: 4 });
    connect.script.push((requests) =>
      requests.map((r, i): DialResult => {
        if (i === 0) return { clientToken: r.clientToken, outcome: 'throttled' };
        if (i === 1) return { clientToken: r.clientToken, outcome: 'unknown' };
        return { clientToken: r.clientToken, outcome: 'accepted', requestId: `req-${i}` };
      }),
    );

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 2, requeued: 2, throttled: 1 });
    expect(store.unmarks.map((c) => c.unmarks.length)).toEqual([2]);
    expect(store.unmarks[0]?.stats).toEqual({ throttled: 1, lastThrottledAt: START });
    expect(store.figures).toMatchObject({ dials: 2, throttled: 1 });
  });

  it('reports as requeued only the contacts the unmark moved', async () => {
    const { campaign, store, connect, deps } = setup({ contacts: 2 });
    connect.script.push(new ConnectThrottledError('throttled'));
    const unmark = store.port.unmarkDialing;
    // An outcome settled one of them first: its dial was real and stays counted.
    store.port.unmarkDialing = (c, unmarks, now, stats) => unmark(c, unmarks.slice(1), now, stats);

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ requeued: 1, throttled: 2 });
    expect(store.figures.dials).toBe(1);
  });
});

describe('dispatcher: one write per dial batch records what Connect accepted', () => {
  it('marks each batch, then closes it once with its accepted dials: no write per contact for the answer', async () => {
    const { campaign, store, connect, deps } = setup({ state: 'pilot', contacts: 30 });

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 30, requeued: 0 });

    expect(store.writes).toEqual(['mark', 'close', 'mark', 'close']);
    expect(connect.sent.map((tokens) => tokens.length)).toEqual([25, 5]);
    const batches = [...store.batches.values()];
    expect(batches.map((b) => [b.closed, b.accepted?.length])).toEqual([
      [true, 25],
      [true, 5],
    ]);
    for (const b of batches) expect(b.accepted).toEqual(b.marked);
    expect(store.figures).toMatchObject({ dials: 30, pilotDials: 30 });
  });

  it('records only the accepted dials of a partial answer, before the others are moved or requeued', async () => {
    const { campaign, store, connect, deps } = setup({ contacts: 4 });
    connect.script.push((requests) =>
      requests.map((r, i): DialResult => {
        if (i === 0) return { clientToken: r.clientToken, outcome: 'throttled' };
        if (i === 1) return { clientToken: r.clientToken, outcome: 'invalid', reason: 'invalid number' };
        return { clientToken: r.clientToken, outcome: 'accepted', requestId: `req-${i}` };
      }),
    );

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 2, invalid: 1, requeued: 1 });

    const [batch] = [...store.batches.values()];
    expect(batch?.accepted).toEqual(batch?.marked.slice(2));
    // Had the process died after the answer was recorded, the other two would still be unconfirmed: resent, not lost.
    expect(store.writes).toEqual(['mark', 'close', 'move', 'unmark']);
  });

  it('closes a batch Connect did not answer without acceptance, once its marks are undone', async () => {
    const { campaign, store, connect, deps } = setup({ contacts: 3 });
    connect.script.push(new ConnectThrottledError('throttled'));

    await dispatchCampaign(deps, campaign);

    expect(store.writes).toEqual(['mark', 'unmark', 'close']);
    expect([...store.batches.values()]).toEqual([{ marked: expect.any(Array), closed: true }]);
  });

  it('neither sends nor closes a batch none of whose marks were written', async () => {
    const { campaign, store, connect, deps } = setup({ contacts: 2 });
    store.port.markDialing = async () => ({ batchId: 'b-lost', marks: [] });

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ selected: 2, dialed: 0 });
    expect(connect.sent).toEqual([]);
    expect(store.writes).toEqual([]);
  });
});

describe('dispatcher: transient Connect failures', () => {
  it('requeues the batch with the same tokens, sits out the backoff, then resends and clears the streak', async () => {
    const { campaign, store, connect, clock, deps } = setup({ contacts: 5 });
    connect.script.push(unavailable());

    const failed = await dispatchCampaign(deps, campaign);
    expect(failed).toMatchObject({
      dialed: 0,
      requeued: 5,
      throttled: 0,
      idle: true,
      connectUnavailable: { code: 'InternalServerException', failures: 1, since: START, escalated: false },
    });
    // Not a hold until a planner acts: the campaign keeps no Connect error.
    expect(store.figures.connectError).toBeUndefined();
    expect(store.figures.connectRetry).toEqual({
      code: 'InternalServerException',
      failures: 1,
      since: START,
      retryAt: new Date(Date.parse(START) + minutes(2)).toISOString(),
    });
    expect(store.figures.dials).toBe(0);

    clock.advance(minutes(1));
    const waiting = await dispatchCampaign(deps, campaign);
    expect(waiting).toMatchObject({ hold: 'connectUnavailableBackoff', dialed: 0, idle: true });
    expect(connect.sent).toHaveLength(1);

    clock.advance(minutes(1));
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 5, idle: false });
    expect(connect.sent[1]).toEqual(connect.sent[0]);
    expect(store.figures.connectRetry).toBeUndefined();
    expect(store.figures.dials).toBe(5);
  });

  it('does not flag a pilot in backoff as an idle active campaign', async () => {
    const { campaign, connect, clock, deps } = setup({ state: 'pilot', contacts: 2 });
    connect.script.push(unavailable('TimeoutError'));
    await dispatchCampaign(deps, campaign);
    clock.advance(minutes(1));
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ hold: 'connectUnavailableBackoff', idle: false });
  });

  it('doubles the backoff up to its cap, and warns the operators only once the streak is 10 minutes old', async () => {
    const { campaign, store, connect, clock, deps, warnings } = setup({ contacts: 3 });
    const failedAt: number[] = [];
    const start = Date.parse(START);
    for (let minute = 0; minute <= 20; minute++) {
      clock.set(new Date(start + minutes(minute)).toISOString());
      connect.script.length = 0;
      connect.script.push(unavailable('ECONNRESET'));
      const report = await dispatchCampaign(deps, campaign);
      if (report.connectUnavailable) failedAt.push(minute);
    }
    // Backoffs of 2, 4, then 5 minutes (the cap).
    expect(failedAt).toEqual([0, 2, 6, 11, 16]);
    expect(store.figures.connectRetry).toMatchObject({ failures: 5, since: START, code: 'ECONNRESET' });
    const escalations = warnings.filter((w) => w.message === 'Amazon Connect keeps failing for the campaign');
    expect(escalations.map((w) => w.fields)).toEqual([
      { campaignId: campaign.id, error: 'ECONNRESET', failures: 4, since: START },
      { campaignId: campaign.id, error: 'ECONNRESET', failures: 5, since: START },
    ]);
    // Nothing was lost meanwhile: every contact waits, uncounted, with its first attempt still to come.
    expect(store.figures.dials).toBe(0);
    expect([...store.entries.values()].every((e) => e.contact.state === 'new' && e.contact.attempts === 0)).toBe(true);
  });

  it('starts a new streak once Connect answered in between', () => {
    const settings = { connectBackoffMinutes: 2, connectBackoffMaxMinutes: 5 };
    const first = nextStreak(undefined, 'InternalServerException', new Date(START), settings);
    const second = nextStreak(first, 'TimeoutError', new Date(Date.parse(START) + minutes(2)), settings);
    expect(second).toEqual<ConnectRetry>({
      code: 'TimeoutError',
      failures: 2,
      since: START,
      retryAt: new Date(Date.parse(START) + minutes(6)).toISOString(),
    });
  });

  it('holds the campaign on an error waiting does not cure, as before', async () => {
    const { campaign, store, connect, clock, deps } = setup({ contacts: 2 });
    connect.script.push(new ConnectCallError('ResourceNotFoundException', 'campaign not found'));

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 0, requeued: 2 });
    expect(store.figures.connectError).toMatchObject({
      action: 'PutOutboundRequestBatch',
      code: 'ResourceNotFoundException',
    });
    expect(store.figures.connectRetry).toBeUndefined();
    expect(store.unmarks).toHaveLength(1);
    expect(store.figures.dials).toBe(0);

    clock.advance(minutes(10));
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ hold: 'heldByConnectError', idle: true });
    expect(connect.sent).toHaveLength(1);
  });

  it('dials again once the hold is released, and holds again with the fresh error if Connect still refuses', async () => {
    const { campaign, store, connect, clock, deps } = setup({ contacts: 2 });
    connect.script.push(new ConnectCallError('ValidationException', 'bad source number'));
    await dispatchCampaign(deps, campaign);
    const first = store.figures.connectError;
    expect(first).toMatchObject({ code: 'ValidationException', at: START });

    // A planner resumes: the transition's transaction removes connectError and connectRetry.
    clock.advance(minutes(5));
    store.figures.connectError = undefined;
    connect.script.push(new ConnectCallError('AccessDeniedException', 'not authorized'));
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 0, requeued: 2 });
    expect(store.figures.connectError).toMatchObject({ code: 'AccessDeniedException', at: clock.now().toISOString() });
    // The same attempts went again: nothing was dialed, so nothing may count as a second attempt.
    expect(connect.sent[1]).toEqual(connect.sent[0]);

    clock.advance(minutes(5));
    store.figures.connectError = undefined;
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 2, requeued: 0 });
    expect(connect.sent[2]).toEqual(connect.sent[0]);
    expect(store.figures.dials).toBe(2);
  });
});

describe('dispatcher: one tick of a campaign at a time', () => {
  it('skips a tick while another holds the campaign, and takes over a claim its tick left when it died', async () => {
    const { campaign, store, connect, clock, deps } = setup({ contacts: 3 });
    store.tick = { owner: 'the other tick', until: new Date(clock.now().getTime() + 30_000).toISOString() };

    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ skipped: 'anotherTickRunning', dialed: 0 });
    expect(connect.sent).toEqual([]);
    expect(store.writes).toEqual([]);

    clock.advance(30_000); // the other tick died holding it: its claim has run out
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 3 });
    expect(store.tick).toBeUndefined();
  });

  it('gives the claim back also when the tick fails', async () => {
    const { campaign, store, deps } = setup({ contacts: 3 });
    store.port.stats = async () => {
      throw new Error('stats unreadable');
    };
    await expect(dispatchCampaign(deps, campaign)).rejects.toThrow('stats unreadable');
    expect(store.tick).toBeUndefined();
  });
});

describe('dispatcher: final holds count what moved', () => {
  it('counts a DNC number it made final, not one whose entry moved before its write landed', async () => {
    const { campaign, store, deps } = setup({ contacts: 2 });
    const load = store.port.load;
    store.port.load = async (refs, nowIso) => (await load(refs, nowIso)).map((c) => ({ ...c, doNotCall: true }));
    const keys = [...store.entries.keys()];
    // The second one's entry moved meanwhile (another campaign's DNC transaction made it final): its move fails.
    store.port.move = async (moves) => moves.filter((m) => m.ref.phoneKey !== keys[1]).length;

    const report = await dispatchCampaign(deps, campaign);

    expect(report.held).toMatchObject({ doNotCall: 2 });
    expect(store.statWrites).toEqual([{ dnc: 1, exhausted: 0 }]);
  });
});

describe('dispatcher: a Connect campaign still being created', () => {
  it('sends nothing while the campaign holds only a creation claim, then dials once the real id replaces it', async () => {
    const { campaign, connect, deps } = setup({ contacts: 2 });
    const claimed = { ...campaign, connect: { ...campaign.connect, connectCampaignId: `creating:${START}` } };
    expect(await dispatchCampaign(deps, claimed)).toMatchObject({ hold: 'connectNotRunning', dialed: 0 });
    expect(connect.sent).toEqual([]);
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({ dialed: 2 });
  });
});
