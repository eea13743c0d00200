import { isOpenAt, moveIntoWindow, nextWindows } from '#shared/domain/calling-window';
import type { Campaign, RetryClass } from '#shared/domain/campaign';
import { checkFrequencyCaps } from '#shared/domain/dialing/frequency-caps';

/**
 * The one next-attempt computation (docs/retries.md): outcomes use it when an attempt ends, the dispatcher when a
 * retry fires (to follow a policy changed since), the reconciler for expired dials and the resume re-key pass.
 * Pure: the same campaign, contact and basis always give the same answer.
 */

/** The parts of a campaign the computation reads; a policy change is a change of one of these. */
export type RetryRules = Pick<Campaign, 'retryPolicy' | 'frequencyCaps' | 'callingRules' | 'deadline'>;

/** The contact's history as far as the caps need it. */
export interface RetryHistory {
  /** IANA zone the contact is called in. */
  zone: string;
  /** Attempts placed so far, including the one that just ended. */
  attempts: number;
  /** Start times (ISO) of recent attempts, as the dialer keeps them; may be empty. */
  recentAttempts: readonly string[];
}

/**
 * What a pending retry is computed from; stored on the contact (`retryBasis`) so that a retry can be recomputed
 * under the policy in force when it fires.
 */
export interface RetryBasis {
  retryClass: RetryClass;
  /** When the attempt's outcome happened (ISO): the delay runs from here. */
  from: string;
  /** Attempts of this class so far, including the one that just ended. */
  attemptsInClass: number;
}

export type NextAttempt = { kind: 'retry'; dueAt: Date } | { kind: 'exhausted'; reason: string };

const MINUTE_MS = 60_000;
/**
 * Each move (a cap's next time, the next opening, past a window's last minute) takes a round; a cap pushing to the
 * next local day costs about three. 32 leaves room for ten such days, far more than any real policy needs.
 */
const MAX_SETTLE_ROUNDS = 32;

/**
 * The least time left in the customer's calling window (or before the deadline) for a dial request to be sent: with
 * less, Connect might not place the call before the window closes, and the request would expire unplaced and cost
 * the contact an attempt. Such an instant does not count as allowed; the contact waits for the next opening.
 */
export const MIN_DIAL_WINDOW_MS = 60_000;

/**
 * The next attempt after an outcome of `basis.retryClass` at `basis.from`: the first instant at or after
 * `from + delay` that is inside the contact's calling window (holidays and restricted days skipped, in the contact's
 * zone) and passes the frequency caps, strictly before the deadline. Exhausted instead when the class has used its
 * attempts, the contact its total, or no such instant exists.
 */
export function nextAttempt(rules: RetryRules, contact: RetryHistory, basis: RetryBasis): NextAttempt {
  const rule = rules.retryPolicy[basis.retryClass];
  if (basis.attemptsInClass >= rule.maxAttempts) {
    return {
      kind: 'exhausted',
      reason: `${basis.retryClass}: ${basis.attemptsInClass} attempts, the policy allows ${rule.maxAttempts}`,
    };
  }
  if (contact.attempts >= rules.frequencyCaps.maxAttemptsTotal) {
    return { kind: 'exhausted', reason: `all ${rules.frequencyCaps.maxAttemptsTotal} attempts are used` };
  }
  const at = earliestAllowed(rules, contact, retryBound(rules, basis));
  if (at === undefined) return { kind: 'exhausted', reason: 'no calling time is left before the deadline' };
  return { kind: 'retry', dueAt: at };
}

/** The earliest instant the policy lets a retry of `basis` happen, before windows and caps: `from + delay`. */
export function retryBound(rules: Pick<RetryRules, 'retryPolicy'>, basis: Pick<RetryBasis, 'retryClass' | 'from'>) {
  return new Date(Date.parse(basis.from) + rules.retryPolicy[basis.retryClass].delayMinutes * MINUTE_MS);
}

/**
 * The earliest instant at or after `from` at which the contact passes both its frequency caps and its calling
 * window, with at least {@link MIN_DIAL_WINDOW_MS} of the window left before it closes or the deadline comes;
 * `undefined` when there is none. Caps and windows push each other forward (the next window opens, but it is still
 * the same local day with two attempts), so they are applied in turns until both agree.
 */
export function earliestAllowed(
  rules: Pick<RetryRules, 'frequencyCaps' | 'callingRules' | 'deadline'>,
  contact: RetryHistory,
  from: Date,
): Date | undefined {
  const deadline = Date.parse(rules.deadline);
  let t: Date | undefined = from;
  for (let round = 0; round < MAX_SETTLE_ROUNDS && t !== undefined; round++) {
    if (t.getTime() >= deadline) return undefined;
    const caps = checkFrequencyCaps(rules.frequencyCaps, contact, t, contact.zone);
    if (!caps.ok) {
      t = caps.nextAt;
      continue;
    }
    const open: Date | undefined = moveIntoWindow(rules.callingRules, t, contact.zone);
    if (open === undefined) return undefined;
    if (open.getTime() !== t.getTime()) {
      t = open;
      continue;
    }
    const closesAt = Math.min(closingOf(rules.callingRules, t, contact.zone), deadline);
    if (closesAt - t.getTime() >= MIN_DIAL_WINDOW_MS) return t;
    // The interval's last minute: the same decision the dispatcher makes (decideContact), so the time given out is
    // one the contact is really dialed at.
    t = new Date(closesAt);
  }
  return undefined;
}

/** When the open calling interval holding `instant` ends, in `zone` (touching windows count as one). */
export function closingOf(rules: Campaign['callingRules'], instant: Date, zone: string): number {
  return nextWindows(rules, instant, 1, zone)[0]?.end.getTime() ?? instant.getTime();
}

/** Why an agent's callback time cannot be booked, with the nearest times that can. */
export type CallbackCheck =
  | { ok: true; at: Date }
  | {
      ok: false;
      reason: 'outsideCallingWindow' | 'pastDeadline' | 'inThePast' | 'frequencyCap' | 'noAttemptsLeft';
      suggestions: Date[];
    };

/** How many alternative start times a refused callback offers. */
export const CALLBACK_SUGGESTIONS = 3;

/**
 * Checks an agent's callback time against the calling window in the customer's zone, the deadline and, given the
 * contact's history, the frequency caps: the dispatcher applies all of them when the callback comes due, so a time
 * they would hold is refused now (never moved silently, never dropped later). The answer carries the
 * {@link CALLBACK_SUGGESTIONS} allowed start times nearest to the requested time (openings of the window, or the
 * first instant after one the caps allow; `now` when a window is open now), none in the past or at or after the
 * deadline, in time order. With every attempt used, no time can be booked (`noAttemptsLeft`, no suggestions).
 *
 * @param history the contact's attempts including the one just made, and their start times (as the dialer keeps
 *   them); without it the caps are not checked.
 */
export function checkCallback(
  rules: Pick<RetryRules, 'callingRules' | 'deadline' | 'frequencyCaps'>,
  zone: string,
  requested: Date,
  now: Date,
  history?: Pick<RetryHistory, 'attempts' | 'recentAttempts'>,
): CallbackCheck {
  const deadline = Date.parse(rules.deadline);
  const t = requested.getTime();
  if (history && history.attempts >= rules.frequencyCaps.maxAttemptsTotal) {
    return { ok: false, reason: 'noAttemptsLeft', suggestions: [] };
  }
  // The dispatcher holds a contact in a window's last minute (MIN_DIAL_WINDOW_MS), so a time there is refused
  // rather than booked and then dialed at the next opening.
  const inWindow = (at: Date) =>
    isOpenAt(rules.callingRules, at, zone) &&
    Math.min(closingOf(rules.callingRules, at, zone), deadline) - at.getTime() >= MIN_DIAL_WINDOW_MS;
  const capsAllow = (at: Date) =>
    history === undefined || checkFrequencyCaps(rules.frequencyCaps, history, at, zone).ok;
  if (t >= now.getTime() && inWindow(requested) && capsAllow(requested)) return { ok: true, at: requested };
  const reason =
    t < now.getTime()
      ? 'inThePast'
      : t >= deadline
        ? 'pastDeadline'
        : inWindow(requested)
          ? 'frequencyCap'
          : 'outsideCallingWindow';
  // Starts before the requested time are candidates too (this evening's window for a 22:00 request), so the search
  // runs from a week before it (or now) and keeps the nearest by distance; a window open now starts, clipped, at now.
  // A start the caps refuse gives way to the first instant after it they allow (the minimum gap ends mid-window).
  const contact = history && { zone, ...history };
  const starts = new Map<number, Date>();
  const searchFrom = new Date(Math.max(now.getTime(), t - 7 * 24 * 60 * MINUTE_MS));
  for (const w of nextWindows(rules.callingRules, searchFrom, 64, zone)) {
    if (w.start.getTime() >= deadline) break;
    if (Math.min(w.end.getTime(), deadline) - w.start.getTime() < MIN_DIAL_WINDOW_MS) continue;
    const start = contact && !capsAllow(w.start) ? earliestAllowed(rules, contact, w.start) : w.start;
    if (start === undefined) break;
    starts.set(start.getTime(), start);
    const later = [...starts.keys()].filter((s) => s > t).length;
    if (w.start.getTime() > t && later >= CALLBACK_SUGGESTIONS) break;
  }
  const suggestions = [...starts.values()]
    .sort((a, b) => Math.abs(a.getTime() - t) - Math.abs(b.getTime() - t) || a.getTime() - b.getTime())
    .slice(0, CALLBACK_SUGGESTIONS)
    .sort((a, b) => a.getTime() - b.getTime());
  return { ok: false, reason, suggestions };
}
