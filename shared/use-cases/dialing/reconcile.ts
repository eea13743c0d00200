import { parseDueSortKey } from '#shared/adapters/dynamodb/dialing-keys';
import { DUE_SHARDS } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import { duePriority, placeRetry } from '#shared/domain/dialing/eligibility';
import { FINISHED_STATES } from '#shared/domain/lifecycle';
import { type ContactMove, type DialUnmark, type DueRef, noOutcomeLookup } from '#shared/ports/contact-dialing';
import { type DialingDeps, silentLog } from '#shared/use-cases/dialing/deps';

/** Most stale dials one run handles per campaign; the rest wait for the next run. */
export const RECONCILE_LIMIT = 500;

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
}

/** Reconciles every campaign that may still have dials in flight (all but finished ones). */
export async function reconcileTick(deps: DialingDeps): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = [];
  for (const state of ['pilot', 'active', 'paused', 'review'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.campaigns.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const campaign of page.items) {
        if (!FINISHED_STATES.includes(campaign.state)) reports.push(await reconcileCampaign(deps, campaign));
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return reports;
}

/**
 * Finds dials still `dialing` past their deadline (priority 0 of the due index, whatever the zone's window) and
 * settles each exactly once, conditional on the attempt still being in flight:
 * - Connect's acceptance is not on record in the dial's batch (a crash between marking and sending, or before the
 *   batch was closed with Connect's answer): the contact goes back to where it was with its attempt number
 *   unchanged, so the next tick resends the SAME client token and Connect dedupes it if it had arrived after all.
 *   Its dial comes off the counts only if its batch had been counted (which happens before a batch is sent);
 * - confirmed, and the outcome lookup knows nothing: the attempt counts as `expired`; the contact is retried under
 *   the campaign's retry policy with a new attempt number (a new token), or is exhausted.
 * Batches a dispatcher left open (it died between counting and closing them) are closed first, as unconfirmed.
 */
export async function reconcileCampaign(deps: DialingDeps, campaign: Campaign): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const outcomes = deps.outcomes ?? noOutcomeLookup;
  const report: ReconcileReport = {
    campaignId: campaign.id,
    stale: 0,
    resent: 0,
    expired: 0,
    exhausted: 0,
    resolved: 0,
  };
  const zones = new Set([campaign.callingRules.timeZone, ...(await deps.store.campaignZones(campaign.id))]);
  const refs: DueRef[] = [];
  for (const zone of zones) {
    for (let shard = 0; shard < DUE_SHARDS && refs.length < RECONCILE_LIMIT; shard++) {
      refs.push(...(await deps.store.queryDue(campaign.id, zone, shard, 0, nowIso, RECONCILE_LIMIT - refs.length)));
    }
  }
  await deps.store.closeAbandonedBatches(campaign.id, nowIso);
  const loaded = await deps.store.load(refs, nowIso);
  const moves: { ref: DueRef; from: { attempt: number }; to: ContactMove }[] = [];
  const unmarks: DialUnmark[] = [];
  for (const { ref, contact, inFlight } of loaded) {
    if (contact.state !== 'dialing' || !contact.dialing) continue;
    report.stale++;
    const attempt = contact.dialing.attempt;
    if (inFlight?.confirmed !== true) {
      const from = inFlight?.fromSk ? parseDueSortKey(inFlight.fromSk) : undefined;
      const prevState = inFlight?.prevState ?? 'new';
      // A counted dial is counted again when resent: the undo takes it off the counts (the pilot's too), or a pilot
      // would stop short of its size and the retried contacts would never be resent. One never counted stays so.
      const counted = inFlight?.counted !== false;
      unmarks.push({
        ref,
        attempt,
        counted,
        pilot: counted && inFlight?.pilot === true,
        to: {
          kind: 'due',
          priority: from?.priority ?? duePriority({ ...contact, state: prevState }),
          dueAt: nowIso,
          state: prevState,
          attempts: attempt - 1,
          // The resend appends its own time for this same attempt; one attempt is one entry for the caps.
          recentAttempts: withoutLast(contact.recentAttempts, contact.dialing.requestedAt),
        },
      });
      continue;
    }
    const known = await outcomes.lookup(campaign.id, ref.phoneKey, attempt);
    if (known.kind !== 'unknown') {
      report.resolved++;
      continue;
    }
    const expiredSoFar = (contact.attemptsByClass.expired ?? 0) + 1;
    const attemptsByClass = { ...contact.attemptsByClass, expired: expiredSoFar };
    const placement = placeRetry(campaign, { ...contact, attempts: attempt }, 'expired', expiredSoFar, now);
    if (placement.kind === 'retry') {
      moves.push({
        ref,
        from: { attempt },
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
      report.expired++;
    } else {
      moves.push({
        ref,
        from: { attempt },
        to: { kind: 'final', state: 'exhausted', reason: placement.reason, attemptsByClass },
      });
      report.exhausted++;
    }
  }
  if (unmarks.length > 0) report.resent = await deps.store.unmarkDialing(campaign.id, unmarks, nowIso);
  if (moves.length > 0) await deps.store.move(moves, nowIso);
  if (report.expired + report.exhausted > 0) {
    await deps.store.addStats(campaign.id, {
      expired: report.expired + report.exhausted,
      exhausted: report.exhausted,
      lastExpiredAt: nowIso,
    });
  }
  if (report.stale > 0) (deps.log ?? silentLog).info('reconciled stale dials', { ...report });
  return report;
}

function withoutLast(times: readonly string[], value: string): string[] {
  const at = times.lastIndexOf(value);
  return at < 0 ? [...times] : [...times.slice(0, at), ...times.slice(at + 1)];
}
