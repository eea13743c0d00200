import { parseDueSortKey } from '#shared/adapters/dynamodb/dialing-keys';
import { DUE_SHARDS } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';
import { duePriority, placeRetry } from '#shared/domain/dialing/eligibility';
import { FINISHED_STATES } from '#shared/domain/lifecycle';
import {
  type ContactMove,
  type DialingContact,
  type DialUnmark,
  type DueRef,
  noOutcomeLookup,
} from '#shared/ports/contact-dialing';
import { type DialingDeps, silentLog } from '#shared/use-cases/dialing/deps';

/**
 * How long after its dial request a placed call may stay without an outcome before the reconciler settles it as
 * expired: far beyond any telemarketing call and its after-call work, within the contact-record stream's retention.
 */
export const IN_PROGRESS_LIMIT_MS = 6 * 60 * 60_000;
/** Most legacy stale dials (priority-0 due entries) one run handles per campaign; the rest wait for the next run. */
export const RECONCILE_LIMIT = 500;
/** Dial batches read per page (≤ 25 dials each, so ≤ 2,500 contacts read per page). */
export const RECONCILE_PAGE_BATCHES = 100;
/**
 * Most dial batches one run reads per campaign: 50,000 dials, ten minutes of the account's 250 dials a second at the
 * default five-minute interval. A backlog beyond it is read by the next runs.
 */
export const RECONCILE_MAX_BATCHES = 2_000;

export interface ReconcileReport {
  campaignId: string;
  stale: number;
  /** Never confirmed by Connect: back in the queue with the same attempt number (same client token). */
  resent: number;
  /** Confirmed but no outcome came: retried as `expired` with a new attempt number, or exhausted. */
  expired: number;
  exhausted: number;
  /** The outcomes side knew the answer or says the call is still going on. */
  resolved: number;
  /** Dial batches past their deadline read, and those forgotten because none of their dials is in flight any more. */
  batches?: { read: number; settled: number };
  /** The error's name when this campaign could not be reconciled (the run then fails, after the other campaigns). */
  failed?: string;
}

/** Some campaigns could not be reconciled this run (the others were); the run fails so that it is seen and retried. */
export class ReconcileFailedError extends Error {
  override readonly name = 'ReconcileFailedError';
  readonly reports: readonly ReconcileReport[];
  constructor(reports: readonly ReconcileReport[]) {
    const failed = reports.filter((r) => r.failed !== undefined);
    super(
      `reconciling failed for ${failed.length} campaign(s): ${failed.map((r) => `${r.campaignId} (${r.failed})`).join(', ')}`,
    );
    this.reports = reports;
  }
}

/**
 * Reconciles every campaign that may still have dials in flight (all but finished ones). One campaign failing does
 * not keep the others' stale dials from being settled: every campaign is tried, then the run fails if any did.
 */
export async function reconcileTick(deps: DialingDeps): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = [];
  for (const state of ['pilot', 'active', 'paused', 'review'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.campaigns.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const campaign of page.items) {
        if (FINISHED_STATES.includes(campaign.state)) continue;
        try {
          reports.push(await reconcileCampaign(deps, campaign));
        } catch (error) {
          const name = error instanceof Error ? error.name : 'Error';
          (deps.log ?? silentLog).warn('reconciling failed for a campaign', { campaignId: campaign.id, error: name });
          reports.push({ ...emptyReconcileReport(campaign.id), failed: name });
        }
      }
      cursor = page.cursor;
    } while (cursor);
  }
  if (reports.some((r) => r.failed !== undefined)) throw new ReconcileFailedError(reports);
  return reports;
}

function emptyReconcileReport(campaignId: string): ReconcileReport {
  return { campaignId, stale: 0, resent: 0, expired: 0, exhausted: 0, resolved: 0, batches: { read: 0, settled: 0 } };
}

/** A dial in flight as the reconciler handles it, however it was found. */
type InFlightDial = Pick<DialingContact, 'ref' | 'contact' | 'inFlight'>;

/**
 * Finds dials still `dialing` past their deadline and settles each exactly once, conditional on the attempt still
 * being in flight:
 * - Connect's acceptance is not on record in the dial's batch (a crash between marking and sending, or before the
 *   batch was closed with Connect's answer): the contact goes back to where it was with its attempt number
 *   unchanged, so the next tick resends the SAME client token and Connect dedupes it if it had arrived after all.
 *   Its dial comes off the counts only if its batch had been counted (which happens before a batch is sent);
 * - confirmed, and the outcome lookup knows nothing: the attempt counts as `expired`; the contact is retried under
 *   the campaign's retry policy with a new attempt number (a new token), or is exhausted.
 * Batches a dispatcher left open (it died between counting and closing them) are closed first, as unconfirmed.
 *
 * A dialing contact is in no index: its dials are found from the campaign's dial batches whose deadline has passed
 * (one Query, oldest first, then a consistent BatchGetItem of their contacts), and a batch none of whose dials is in
 * flight any more is forgotten (deleted), so each batch is read about once. Dials marked before that carry a
 * priority-0 due entry instead; those entries are still read, per zone and shard, until none is left
 * (docs/data-model.md, "The due index").
 */
export async function reconcileCampaign(deps: DialingDeps, campaign: Campaign): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const report = emptyReconcileReport(campaign.id);
  await deps.store.closeAbandonedBatches(campaign.id, nowIso);

  // Marks from before dials left the index.
  const zones = new Set([campaign.callingRules.timeZone, ...(await deps.store.campaignZones(campaign.id))]);
  const refs: DueRef[] = [];
  for (const zone of zones) {
    for (let shard = 0; shard < DUE_SHARDS && refs.length < RECONCILE_LIMIT; shard++) {
      refs.push(...(await deps.store.queryDue(campaign.id, zone, shard, 0, nowIso, RECONCILE_LIMIT - refs.length)));
    }
  }
  if (refs.length > 0) {
    // A contact re-marked since in a batch findable by time is that batch's to settle (a stale entry was read).
    const legacy = (await deps.store.load(refs, nowIso)).filter((d) => d.inFlight?.batchFindable !== true);
    await settleDials(deps, campaign, legacy, now, report);
  }

  const batches = report.batches as NonNullable<ReconcileReport['batches']>;
  let after: string | undefined;
  do {
    const page = await deps.store.staleDials(campaign.id, nowIso, {
      after,
      limit: Math.min(RECONCILE_PAGE_BATCHES, RECONCILE_MAX_BATCHES - batches.read),
    });
    batches.read += page.batchIds.length;
    const stillInFlight = await settleDials(deps, campaign, page.dials, now, report);
    const keep = new Set([...page.unreadable, ...page.dials.filter((d) => stillInFlight.has(d)).map((d) => d.batchId)]);
    const settled = page.batchIds.filter((id) => !keep.has(id));
    // Only once every move of the page is written: a run that dies before reads the batch again next time, and its
    // conditional moves find the contacts already moved.
    if (settled.length > 0) await deps.store.settleBatches(campaign.id, settled);
    batches.settled += settled.length;
    after = page.next;
  } while (after !== undefined && batches.read < RECONCILE_MAX_BATCHES);

  if (report.stale > 0) (deps.log ?? silentLog).info('reconciled stale dials', { ...report });
  return report;
}

/**
 * Settles stale dials as {@link reconcileCampaign} says and adds them to the report; returns the dials left in
 * flight (the outcomes side says their call is still going on).
 */
async function settleDials<D extends InFlightDial>(
  deps: DialingDeps,
  campaign: Campaign,
  dials: readonly D[],
  now: Date,
  report: ReconcileReport,
): Promise<Set<D>> {
  const nowIso = now.toISOString();
  const outcomes = deps.outcomes ?? noOutcomeLookup;
  const retries: DialMove[] = [];
  const ended: DialMove[] = [];
  const unmarks: DialUnmark[] = [];
  const inFlight = new Set<D>();
  for (const dial of dials) {
    const { ref, contact } = dial;
    if (contact.state !== 'dialing' || !contact.dialing) continue;
    report.stale++;
    const attempt = contact.dialing.attempt;
    // The batch the dial was found in: a second reconciler run may have put the contact back meanwhile, and a tick
    // marked it again in another batch with the same attempt; that dial is not this run's to settle.
    const batch = 'batchId' in dial && typeof dial.batchId === 'string' ? dial.batchId : undefined;
    if (dial.inFlight?.confirmed !== true) {
      const unmark = unmarkOf(ref, contact, contact.dialing.requestedAt, attempt, dial.inFlight, nowIso);
      unmarks.push(batch !== undefined ? { ...unmark, batch } : unmark);
      continue;
    }
    const known = await outcomes.lookup(campaign.id, ref.phoneKey, attempt);
    const placedFor = now.getTime() - Date.parse(contact.dialing.requestedAt);
    if (known.kind === 'applied' || (known.kind === 'inProgress' && !(placedFor > IN_PROGRESS_LIMIT_MS))) {
      report.resolved++;
      if (known.kind === 'inProgress') inFlight.add(dial);
      continue;
    }
    // Unknown, or still without an outcome long after any call ends (its contact record lost, say): the dial expired.
    const expiredSoFar = (contact.attemptsByClass.expired ?? 0) + 1;
    const attemptsByClass = { ...contact.attemptsByClass, expired: expiredSoFar };
    const placement = placeRetry(campaign, { ...contact, attempts: attempt }, 'expired', expiredSoFar, now);
    if (placement.kind === 'retry') {
      retries.push({
        ref,
        from: { attempt, ...(batch !== undefined ? { batch } : {}) },
        to: {
          kind: 'due',
          priority: 4,
          dueAt: placement.dueAt.toISOString(),
          state: 'retryWait',
          attempts: attempt,
          recentAttempts: contact.recentAttempts,
          attemptsByClass,
          reason: 'the dial request expired without an outcome',
          retryBasis: { retryClass: 'expired', from: nowIso, attemptsInClass: expiredSoFar },
        },
      });
    } else {
      ended.push({
        ref,
        from: { attempt, ...(batch !== undefined ? { batch } : {}) },
        to: { kind: 'final', state: 'exhausted', reason: placement.reason, attemptsByClass },
      });
    }
  }
  if (unmarks.length > 0) report.resent += await deps.store.unmarkDialing(campaign.id, unmarks, nowIso);
  // Only what moved counts: a dial an outcome or another run settled meanwhile fails its condition.
  const expired = retries.length > 0 ? await deps.store.move(retries, nowIso) : 0;
  const exhausted = ended.length > 0 ? await deps.store.move(ended, nowIso) : 0;
  if (expired + exhausted > 0) {
    await deps.store.addStats(campaign.id, { expired: expired + exhausted, exhausted, lastExpiredAt: nowIso });
  }
  report.expired += expired;
  report.exhausted += exhausted;
  return inFlight;
}

type DialMove = { ref: DueRef; from: { attempt: number; batch?: string }; to: ContactMove };

/** Back to where the contact was selected from, attempt unchanged (the resend carries the same client token). */
function unmarkOf(
  ref: DueRef,
  contact: Contact,
  requestedAt: string,
  attempt: number,
  inFlight: DialingContact['inFlight'],
  nowIso: string,
): DialUnmark {
  const from = inFlight?.fromSk ? parseDueSortKey(inFlight.fromSk) : undefined;
  const prevState = inFlight?.prevState ?? 'new';
  // A counted dial is counted again when resent: the undo takes it off the counts (the pilot's too), or a pilot
  // would stop short of its size and the retried contacts would never be resent. One never counted stays so.
  const counted = inFlight?.counted !== false;
  return {
    ref,
    attempt,
    counted,
    pilot: counted && inFlight?.pilot === true,
    // Its due keys again: a mark took the contact out of the index.
    to: {
      kind: 'due',
      priority: from?.priority ?? duePriority({ ...contact, state: prevState }),
      dueAt: nowIso,
      state: prevState,
      attempts: attempt - 1,
      // The resend appends its own time for this same attempt; one attempt is one entry for the caps.
      recentAttempts: withoutLast(contact.recentAttempts, requestedAt),
    },
  };
}

function withoutLast(times: readonly string[], value: string): string[] {
  const at = times.lastIndexOf(value);
  return at < 0 ? [...times] : [...times.slice(0, at), ...times.slice(at + 1)];
}
