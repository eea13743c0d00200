import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';
import type {
  ContactDialing,
  ContactMove,
  DialingContact,
  DialUnmark,
  DueRef,
  OutcomeLookup,
  StaleDial,
  StatsDelta,
} from '#shared/ports/contact-dialing';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import {
  IN_PROGRESS_LIMIT_MS,
  ReconcileFailedError,
  reconcileCampaign,
  reconcileTick,
} from '#shared/use-cases/dialing/reconcile';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

const NOW = '2027-03-01T03:00:00.000Z';
const REQUESTED = '2027-03-01T02:00:00.000Z';
const BATCH = '2027-03-01T02:35:00.000Z#batch-1';

function stale(phoneKey: string, inFlight: StaleDial['inFlight'], batchId = BATCH): StaleDial {
  const ref: DueRef = {
    campaignId: 'c-reconcile1',
    phoneKey,
    zone: 'Asia/Shanghai',
    shard: 0,
    priority: 0,
    dueAt: '2027-03-01T02:35:00.000Z',
    dueSk: '',
  };
  const contact: Contact = {
    campaignId: 'c-reconcile1',
    phoneKey,
    e164: '+8613800000000',
    numberType: 'mobile',
    zone: 'Asia/Shanghai',
    listId: 'l-1',
    row: 1,
    attributes: { extra: {} },
    state: 'dialing',
    attempts: 1,
    attemptsByClass: {},
    recentAttempts: [REQUESTED],
    dialing: { attempt: 1, requestedAt: REQUESTED, expiresAt: '2027-03-01T02:05:00.000Z' },
    createdAt: REQUESTED,
    updatedAt: REQUESTED,
  };
  return { batchId, ref, contact, inFlight };
}

/** A dial marked before dials left the due index: found by its priority-0 entry. */
function legacy(phoneKey: string, inFlight: DialingContact['inFlight']): DialingContact {
  const { ref, contact } = stale(phoneKey, {});
  return {
    ref: { ...ref, dueSk: `0#2027-03-01T02:35:00.000Z#${phoneKey}` },
    contact,
    doNotCall: false,
    inFlight,
  };
}

/**
 * The store as far as the reconciler uses it: stale dials in pages of dial batches (and legacy priority-0 entries);
 * `moved` says how many unmarks the conditional writes let through.
 */
function fakeStore(dials: StaleDial[], options: { moved?: number; legacy?: DialingContact[]; pageSize?: number } = {}) {
  const batchIds = [...new Set(dials.map((d) => d.batchId))].sort();
  const calls = {
    unmarks: [] as DialUnmark[],
    moves: [] as { ref: DueRef; to: ContactMove }[],
    stats: [] as StatsDelta[],
    pages: [] as { after?: string | undefined; limit: number }[],
    settled: [] as string[],
  };
  const store: Partial<ContactDialing> = {
    campaignZones: async () => ['Asia/Shanghai'],
    queryDue: async (_c, _z, shard, priority) =>
      shard === 0 && priority === 0 ? (options.legacy ?? []).map((l) => l.ref) : [],
    load: async () => options.legacy ?? [],
    closeAbandonedBatches: async () => 0,
    staleDials: async (_c, _now, page) => {
      calls.pages.push(page);
      const from = page.after === undefined ? 0 : batchIds.indexOf(page.after) + 1;
      const ids = batchIds.slice(from, from + Math.min(page.limit, options.pageSize ?? page.limit));
      const last = ids.at(-1);
      return {
        batchIds: ids,
        dials: dials.filter((d) => ids.includes(d.batchId)),
        unreadable: [],
        next: last !== undefined && last !== batchIds.at(-1) ? last : undefined,
      };
    },
    settleBatches: async (_c, ids) => {
      calls.settled.push(...ids);
    },
    unmarkDialing: async (_campaignId, unmarks) => {
      calls.unmarks.push(...unmarks);
      return options.moved ?? unmarks.length;
    },
    move: async (moves) => {
      calls.moves.push(...moves);
      return moves.length;
    },
    addStats: async (_campaignId, delta) => {
      calls.stats.push(delta);
    },
  };
  return { store: store as ContactDialing, calls };
}

function depsWith(store: ContactDialing, outcomes?: OutcomeLookup): DialingDeps {
  return {
    campaigns: { get: async () => undefined, list: async () => ({ items: [] }) },
    store,
    connect: {} as DialingDeps['connect'],
    limiter: { acquire: async () => true },
    clock: new ManualClock(NOW),
    ...(outcomes ? { outcomes } : {}),
  };
}

const campaign: Campaign = storedCampaign('c-reconcile1', { state: 'pilot' });

describe('reconciling dials Connect never confirmed', () => {
  it('undoes their marks with the pilot flag the mark left, so the resend is counted once', async () => {
    const { store, calls } = fakeStore([
      stale('pilotKey', { pilot: true, prevState: 'new', fromSk: `2#${REQUESTED}#pilotKey` }),
      stale('activeKey', { pilot: false, prevState: 'new', fromSk: `2#${REQUESTED}#activeKey` }),
    ]);

    const report = await reconcileCampaign(depsWith(store), campaign);

    expect(report).toMatchObject({ stale: 2, resent: 2, expired: 0 });
    expect(calls.unmarks.map((u) => [u.ref.phoneKey, u.attempt, u.counted, u.pilot])).toEqual([
      ['pilotKey', 1, true, true],
      ['activeKey', 1, true, false],
    ]);
    // Back where it was selected from, attempt unchanged: the resend carries the same client token.
    expect(calls.unmarks[0]?.to).toMatchObject({
      kind: 'due',
      priority: 2,
      dueAt: NOW,
      state: 'new',
      attempts: 0,
      recentAttempts: [],
    });
    // The counts come off inside unmarkDialing, not through a separate, non-atomic stats write.
    expect(calls.stats).toEqual([]);
    expect(calls.moves).toEqual([]);
  });

  it('reports as resent only what the store moved (an outcome may have settled the contact meanwhile)', async () => {
    const { store } = fakeStore(
      [stale('a', { prevState: 'new' }), stale('b', { prevState: 'new' }), stale('c', { prevState: 'new' })],
      { moved: 1 },
    );
    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({ stale: 3, resent: 1 });
  });

  it('undoes a mark whose batch was never counted without taking it off the counts', async () => {
    const { store, calls } = fakeStore([
      stale('uncounted', { confirmed: false, counted: false, pilot: true, prevState: 'new' }),
      stale('counted', { confirmed: false, counted: true, pilot: true, prevState: 'new' }),
    ]);

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({ stale: 2, resent: 2 });
    expect(calls.unmarks.map((u) => [u.ref.phoneKey, u.counted, u.pilot])).toEqual([
      ['uncounted', false, false],
      ['counted', true, true],
    ]);
  });

  it('closes the batches a dead dispatcher left open before it reads the stale dials', async () => {
    const { store, calls } = fakeStore([stale('a', { confirmed: false, counted: true, prevState: 'new' })], {
      legacy: [legacy('b', { confirmed: false, counted: true, prevState: 'new' })],
    });
    const order: string[] = [];
    const load = store.load.bind(store);
    const staleDials = store.staleDials.bind(store);
    store.closeAbandonedBatches = async () => {
      order.push('close');
      return 1;
    };
    store.load = async (refs, nowIso) => {
      order.push('load');
      return load(refs, nowIso);
    };
    store.staleDials = async (c, nowIso, page) => {
      order.push('batches');
      return staleDials(c, nowIso, page);
    };

    await reconcileCampaign(depsWith(store), campaign);

    expect(order).toEqual(['close', 'load', 'batches']);
    expect(calls.unmarks).toHaveLength(2);
  });

  it('leaves a confirmed dial to the expiry path, never unmarked', async () => {
    const { store, calls } = fakeStore([
      stale('confirmed', { confirmed: true, counted: true, pilot: true, prevState: 'new' }),
    ]);

    const report = await reconcileCampaign(depsWith(store), campaign);

    expect(report).toMatchObject({ stale: 1, resent: 0, expired: 1 });
    expect(calls.unmarks).toEqual([]);
    expect(calls.moves.map((m) => m.to)).toMatchObject([{ kind: 'due', state: 'retryWait', priority: 4 }]);
  });
});

describe('reconciling from dial batches', () => {
  it('forgets every batch whose dials it settled, and keeps one whose call the outcomes side says goes on', async () => {
    const other = '2027-03-01T02:36:00.000Z#batch-2';
    const { store, calls } = fakeStore([
      stale('unsent', { confirmed: false, counted: true, prevState: 'new' }),
      stale('expired', { confirmed: true, counted: true, prevState: 'new' }),
      stale('talking', { confirmed: true, counted: true, prevState: 'new' }, other),
    ]);
    const outcomes: OutcomeLookup = {
      lookup: async (_c, phoneKey) => (phoneKey === 'talking' ? { kind: 'inProgress' } : { kind: 'unknown' }),
    };

    const report = await reconcileCampaign(depsWith(store, outcomes), campaign);

    expect(report).toMatchObject({ stale: 3, resent: 1, expired: 1, resolved: 1, batches: { read: 2, settled: 1 } });
    expect(calls.settled).toEqual([BATCH]);
  });

  it('forgets a batch none of whose dials is in flight any more without writing to a contact', async () => {
    const { store, calls } = fakeStore([]);
    store.staleDials = async () => ({ batchIds: [BATCH], dials: [], unreadable: [] });

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({
      stale: 0,
      batches: { read: 1, settled: 1 },
    });
    expect(calls.settled).toEqual([BATCH]);
    expect([...calls.unmarks, ...calls.moves, ...calls.stats]).toEqual([]);
  });

  it('keeps a batch holding a contact it could not read', async () => {
    const { store, calls } = fakeStore([]);
    store.staleDials = async () => ({ batchIds: [BATCH], dials: [], unreadable: [BATCH] });

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({ batches: { read: 1, settled: 0 } });
    expect(calls.settled).toEqual([]);
  });

  it('reads the batches page by page, each page settled before the next is read', async () => {
    const dials = Array.from({ length: 5 }, (_, i) =>
      stale(`k${i}`, { confirmed: false, counted: true, prevState: 'new' }, `2027-03-01T02:3${i}:00.000Z#b${i}`),
    );
    const { store, calls } = fakeStore(dials, { pageSize: 2 });
    const order: string[] = [];
    const settle = store.settleBatches.bind(store);
    store.settleBatches = async (c, ids) => {
      order.push(`settle ${ids.length}`);
      return settle(c, ids);
    };

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({
      stale: 5,
      resent: 5,
      batches: { read: 5, settled: 5 },
    });
    expect(calls.pages.map((p) => p.after)).toEqual([undefined, dials[1]?.batchId, dials[3]?.batchId]);
    expect(order).toEqual(['settle 2', 'settle 2', 'settle 1']);
  });
});

describe('reconciling marks made before dials left the due index', () => {
  it('still finds them at priority 0 and settles them as before', async () => {
    const { store, calls } = fakeStore([], {
      legacy: [
        legacy('unsent', { confirmed: false, counted: true, prevState: 'new', fromSk: `2#${REQUESTED}#unsent` }),
        legacy('placed', { confirmed: true, counted: true, prevState: 'new' }),
      ],
    });

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({ stale: 2, resent: 1, expired: 1 });
    expect(calls.unmarks.map((u) => [u.ref.phoneKey, u.to.priority])).toEqual([['unsent', 2]]);
    expect(calls.moves.map((m) => [m.ref.phoneKey, m.to.state])).toEqual([['placed', 'retryWait']]);
  });

  it('leaves a contact a stale entry led to, re-marked since in a batch findable by time, to that batch', async () => {
    const { store, calls } = fakeStore([], {
      legacy: [legacy('remarked', { confirmed: false, counted: false, prevState: 'new', batchFindable: true })],
    });

    expect(await reconcileCampaign(depsWith(store), campaign)).toMatchObject({ stale: 0 });
    expect(calls.unmarks).toEqual([]);
  });
});

describe('a placed call whose outcome never comes', () => {
  const talking = () => stale('talking', { confirmed: true, counted: true, prevState: 'new' });
  const stillTalking: OutcomeLookup = { lookup: async () => ({ kind: 'inProgress' }) };

  it('stays in flight while the outcomes side says it goes on, up to the limit from its dial', async () => {
    const { store, calls } = fakeStore([talking()]);
    const deps = { ...depsWith(store, stillTalking), clock: new ManualClock(REQUESTED) };
    (deps.clock as ManualClock).advance(IN_PROGRESS_LIMIT_MS);

    expect(await reconcileCampaign(deps, campaign)).toMatchObject({ stale: 1, resolved: 1, expired: 0 });
    expect(calls.moves).toEqual([]);
  });

  it('expires once the limit has passed (its contact record lost, say), instead of staying dialing for ever', async () => {
    const { store, calls } = fakeStore([talking()]);
    const deps = { ...depsWith(store, stillTalking), clock: new ManualClock(REQUESTED) };
    (deps.clock as ManualClock).advance(IN_PROGRESS_LIMIT_MS + 60_000);

    expect(await reconcileCampaign(deps, campaign)).toMatchObject({ stale: 1, resolved: 0, expired: 1 });
    expect(calls.moves.map((m) => [m.ref.phoneKey, m.to.state])).toEqual([['talking', 'retryWait']]);
    expect(calls.settled).toEqual([BATCH]);
  });
});

describe('a reconciler run over several campaigns', () => {
  it('settles the others when one fails, then fails itself naming it', async () => {
    const broken = storedCampaign('c-broken00001', { state: 'active' });
    const healthy = storedCampaign('c-reconcile1', { state: 'active' });
    const { store, calls } = fakeStore([stale('expired', { confirmed: true, counted: true, prevState: 'new' })]);
    const staleDials = store.staleDials.bind(store);
    store.staleDials = async (campaignId, ...rest) => {
      if (campaignId === broken.id) throw Object.assign(new Error('unreadable'), { name: 'StoredItemInvalidError' });
      return staleDials(campaignId, ...rest);
    };
    const deps: DialingDeps = {
      ...depsWith(store),
      campaigns: {
        get: async () => undefined,
        list: async ({ state }) => ({ items: state === 'active' ? [broken, healthy] : [] }),
      },
    };

    const run = reconcileTick(deps);
    await expect(run).rejects.toBeInstanceOf(ReconcileFailedError);
    const error = (await run.catch((e: unknown) => e)) as ReconcileFailedError;
    expect(error.message).toBe('reconciling failed for 1 campaign(s): c-broken00001 (StoredItemInvalidError)');
    expect(error.reports.map((r) => [r.campaignId, r.failed, r.expired])).toEqual([
      ['c-broken00001', 'StoredItemInvalidError', 0],
      ['c-reconcile1', undefined, 1],
    ]);
    expect(calls.moves).toHaveLength(1);
  });
});

describe('a dial settled by someone else meanwhile', () => {
  it('is not counted as expired: only the moves that landed count', async () => {
    const { store, calls } = fakeStore([
      stale('expired', { confirmed: true, counted: true, prevState: 'new' }),
      stale('settledMeanwhile', { confirmed: true, counted: true, prevState: 'new' }),
    ]);
    const move = store.move.bind(store);
    // An outcome (or another reconciler run) moved the second contact after this run read it: its condition fails.
    store.move = async (moves, nowIso) =>
      (await move(moves, nowIso)) - moves.filter((m) => m.ref.phoneKey === 'settledMeanwhile').length;

    const report = await reconcileCampaign(depsWith(store), campaign);

    expect(report).toMatchObject({ stale: 2, expired: 1 });
    expect(calls.stats).toEqual([expect.objectContaining({ expired: 1, exhausted: 0 })]);
  });
});
