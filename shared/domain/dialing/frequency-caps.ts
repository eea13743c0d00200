import { DateTime } from 'luxon';
import type { FrequencyCaps } from '#shared/domain/campaign';

/** Which cap holds a contact back. */
export type CapName = 'perDay' | 'minGap' | 'rolling' | 'total';

export type CapDecision = { ok: true } | { ok: false; cap: CapName; nextAt: Date | undefined };

const MINUTE_MS = 60_000;

/**
 * Checks one more attempt at `now` against the campaign's frequency caps, from the contact's attempt history
 * (`recentAttempts`, ISO start times) and its total. "Per day" is the contact's local calendar day in `zone`, so a
 * contact called twice in the New York evening is not freed by midnight in Shanghai.
 *
 * `nextAt` is the earliest instant the failing cap would allow a dial (`undefined` for the total cap: never). Only
 * the first failing cap is reported, in the order total, minimum gap, per day, rolling window; the caller combines
 * `nextAt` with the other rules and checks again.
 */
export function checkFrequencyCaps(
  caps: FrequencyCaps,
  history: { attempts: number; recentAttempts: readonly string[] },
  now: Date,
  zone: string,
): CapDecision {
  if (history.attempts >= caps.maxAttemptsTotal) return { ok: false, cap: 'total', nextAt: undefined };
  const nowMs = now.getTime();
  const times = history.recentAttempts
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t) && t <= nowMs)
    .sort((a, b) => a - b);

  const last = times.at(-1);
  const gapMs = caps.minMinutesBetweenAttempts * MINUTE_MS;
  if (last !== undefined && nowMs - last < gapMs) return { ok: false, cap: 'minGap', nextAt: new Date(last + gapMs) };

  const local = DateTime.fromMillis(nowMs, { zone });
  const dayStart = local.startOf('day').toMillis();
  const today = times.filter((t) => t >= dayStart);
  if (today.length >= caps.maxAttemptsPerDay) {
    return { ok: false, cap: 'perDay', nextAt: new Date(local.plus({ days: 1 }).startOf('day').toMillis()) };
  }

  // Rolling days are local days too: "6 in 7 days" counts today and the 6 local days before it.
  const windowStart = local
    .minus({ days: caps.rolling.days - 1 })
    .startOf('day')
    .toMillis();
  const inWindow = times.filter((t) => t >= windowStart);
  if (inWindow.length >= caps.rolling.maxAttempts) {
    // The window frees a slot on the local day after the oldest attempt that must drop out leaves it.
    const mustDrop = inWindow[inWindow.length - caps.rolling.maxAttempts] as number;
    const freedOn = DateTime.fromMillis(mustDrop, { zone }).startOf('day').plus({ days: caps.rolling.days }).toMillis();
    return { ok: false, cap: 'rolling', nextAt: new Date(freedOn) };
  }
  return { ok: true };
}

/** The attempt history after a dial at `at`, bounded to what the caps can ever need. */
export function appendAttempt(recentAttempts: readonly string[], at: string, caps: FrequencyCaps): string[] {
  const keep = Math.min(100, Math.max(caps.maxAttemptsPerDay, caps.rolling.maxAttempts, 1));
  return [...recentAttempts, at].slice(-keep);
}
