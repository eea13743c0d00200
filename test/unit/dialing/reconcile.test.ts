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
  StatsDelta,
} from '#shared/ports/contact-dialing';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { reconcileCampaign } from '#shared/use-cases/dialing/reconcile';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

const NOW = '2027-03-01T03:00:00.000Z';
const REQUESTED = '2027-03-01T02:00:00.000Z';

function stale(phoneKey: string, inFlight: DialingContact['inFlight']): DialingContact {
  const ref: DueRef = {
    campaignId: 'c-reconcile1',
    phoneKey,
    zone: 'Asia/Shanghai',
    shard: 0,
    priority: 0,
    dueAt: '2027-03-01T02:35:00.000Z',
    dueSk: `0#2027-03-01T02:35:00.000Z#${phoneKey}`,
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
  return { ref, contact, doNotCall: false, inFlight };
}

/** The store as far as the reconciler uses it; `moved` says how many unmarks the conditional writes let through. */
function fakeStore(loaded: DialingContact[], moved?: number) {
  const calls = {
    unmarks: [] as DialUnmark[],
    moves: [] as { ref: DueRef; to: ContactMove }[],
    stats: [] as StatsDelta[],
  };
  const store: Partial<ContactDialing> = {
    campaignZones: async () => ['Asia/Shanghai'],
    queryDue: async (_c, _z, shard, priority) => (shard === 0 && priority === 0 ? loaded.map((l) => l.ref) : []),
    load: async () => loaded,
    closeAbandonedBatches: async () => 0,
    unmarkDialing: async (_campaignId, unmarks) => {
      calls.unmarks.push(...unmarks);
      return moved ?? unmarks.length;
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

function depsWith(store: ContactDialing): DialingDeps {
  return {
    campaigns: { get: async () => undefined, list: async () => ({ items: [] }) },
    store,
    connect: {} as DialingDeps['connect'],
    limiter: { acquire: async () => true },
    clock: new ManualClock(NOW),
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
      1,
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
    const { store, calls } = fakeStore([stale('a', { confirmed: false, counted: true, prevState: 'new' })]);
    const order: string[] = [];
    const load = store.load.bind(store);
    store.closeAbandonedBatches = async () => {
      order.push('close');
      return 1;
    };
    store.load = async (refs, nowIso) => {
      order.push('load');
      return load(refs, nowIso);
    };

    await reconcileCampaign(depsWith(store), campaign);

    expect(order).toEqual(['close', 'load']);
    expect(calls.unmarks).toHaveLength(1);
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
