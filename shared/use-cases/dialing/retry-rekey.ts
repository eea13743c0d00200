import { createHash } from 'node:crypto';
import { DUE_PRIORITIES, DUE_SHARDS } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import { canonical } from '#shared/domain/outcomes/facts';
import { nextAttempt } from '#shared/domain/retries/next-attempt';
import type { ContactMove, DialingStats, DueRef } from '#shared/ports/contact-dialing';
import { type DialingDeps, silentLog } from '#shared/use-cases/dialing/deps';

/** Pending retries one tick examines at most for a re-key pass; the pass resumes on the next tick. */
export const REKEY_LIMIT_PER_TICK = 1000;
const PAGE = 100;

/** A short fingerprint of everything a retry's due time depends on: a change of it starts a re-key pass. */
export function retryRulesFingerprint(
  campaign: Pick<Campaign, 'retryPolicy' | 'frequencyCaps' | 'callingRules' | 'deadline'>,
): string {
  const { retryPolicy, frequencyCaps, callingRules, deadline } = campaign;
  return createHash('sha256')
    .update(canonical({ retryPolicy, frequencyCaps, callingRules, deadline }))
    .digest('base64url')
    .slice(0, 22);
}

export interface RekeyReport {
  /** Pending retries read in this call. */
  examined: number;
  /** Brought forward: their recomputed time is earlier than the one they were waiting for. */
  earlier: number;
  /** The new policy leaves them no attempt. */
  exhausted: number;
  /** The pass has visited every retry partition of the campaign. */
  done: boolean;
}

interface Cursor {
  zone: number;
  shard: number;
  after?: string | undefined;
}

const encode = (c: Cursor) => JSON.stringify([c.zone, c.shard, c.after ?? null]);
function decode(value: string | undefined): Cursor {
  try {
    const [zone, shard, after] = JSON.parse(value ?? '[]') as [number?, number?, string?];
    return { zone: zone ?? 0, shard: shard ?? 0, after: after ?? undefined };
  } catch {
    return { zone: 0, shard: 0 };
  }
}

/**
 * After the retry rules changed (only possible while the campaign was paused: they are frozen while it dials),
 * brings forward the pending retries whose due time under the new rules is earlier, and ends those the new rules
 * leave no attempt. Retries whose time got later are left alone: the dispatcher recomputes every retry when it fires
 * and re-keys it then, which costs nothing extra.
 *
 * Bounded: one Query page per retry partition (priority 4, per zone and shard) and one BatchGetItem per 50 entries,
 * at most {@link REKEY_LIMIT_PER_TICK} entries per call; progress is kept on the campaign's dialing stats item, so a
 * campaign with a million pending retries finishes the pass over successive ticks. The first call for a campaign
 * only records the fingerprint (its retries were placed under the rules in force).
 */
export async function rekeyRetries(
  deps: Pick<DialingDeps, 'store' | 'clock' | 'log'>,
  campaign: Campaign,
  stats: Pick<DialingStats, 'retryRules'>,
  limit = REKEY_LIMIT_PER_TICK,
): Promise<RekeyReport> {
  const report: RekeyReport = { examined: 0, earlier: 0, exhausted: 0, done: true };
  const fingerprint = retryRulesFingerprint(campaign);
  const state = stats.retryRules;
  if (state === undefined) {
    await deps.store.setRetryRules(campaign.id, { fingerprint });
    return report;
  }
  if (state.fingerprint === fingerprint && state.cursor === undefined) return report;
  // A new fingerprint restarts the pass from the beginning, even if an older pass was under way.
  let cursor: Cursor = state.fingerprint === fingerprint ? decode(state.cursor) : { zone: 0, shard: 0 };
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const zones = [...new Set([campaign.callingRules.timeZone, ...(await deps.store.campaignZones(campaign.id))])].sort();
  const moves: { ref: DueRef; from: { dueSk: string }; to: ContactMove }[] = [];
  while (cursor.zone < zones.length && report.examined < limit) {
    const zone = zones[cursor.zone] as string;
    const page = await deps.store.queryDueAfter(
      campaign.id,
      zone,
      cursor.shard,
      DUE_PRIORITIES.retry,
      cursor.after,
      Math.min(PAGE, limit - report.examined),
    );
    report.examined += page.refs.length;
    for (const { ref, contact, retryBasis } of await deps.store.load(page.refs, nowIso)) {
      if (contact.state !== 'retryWait' || retryBasis === undefined) continue;
      const next = nextAttempt(campaign, contact, retryBasis);
      if (next.kind === 'exhausted') {
        moves.push({ ref, from: { dueSk: ref.dueSk }, to: { kind: 'final', state: 'exhausted', reason: next.reason } });
        report.exhausted++;
      } else if (next.dueAt.getTime() < Date.parse(ref.dueAt)) {
        moves.push({
          ref,
          from: { dueSk: ref.dueSk },
          to: {
            kind: 'due',
            priority: ref.priority,
            dueAt: next.dueAt.toISOString(),
            state: contact.state,
            attempts: contact.attempts,
            recentAttempts: contact.recentAttempts,
          },
        });
        report.earlier++;
      }
    }
    const last = page.refs.at(-1)?.dueSk;
    if (page.done)
      cursor =
        cursor.shard + 1 < DUE_SHARDS
          ? { zone: cursor.zone, shard: cursor.shard + 1 }
          : { zone: cursor.zone + 1, shard: 0 };
    else cursor = { ...cursor, after: last ?? cursor.after };
  }
  const ended = moves.filter((m) => m.to.kind === 'final');
  const earlier = moves.filter((m) => m.to.kind !== 'final');
  if (earlier.length > 0) await deps.store.move(earlier, nowIso);
  // Counted like the dispatcher's exhausted contacts, and only those that did move (a repeated pass moves none again).
  const exhausted = ended.length > 0 ? await deps.store.move(ended, nowIso) : 0;
  if (exhausted > 0) await deps.store.addStats(campaign.id, { exhausted });
  report.done = cursor.zone >= zones.length;
  await deps.store.setRetryRules(campaign.id, report.done ? { fingerprint } : { fingerprint, cursor: encode(cursor) });
  (deps.log ?? silentLog).info('retries re-keyed after a rules change', { campaignId: campaign.id, ...report });
  return report;
}
