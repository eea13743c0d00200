import { IANAZone } from 'luxon';
import type { CallingRules, RestrictedPeriod, WeeklyWindows } from '#shared/domain/campaign';
import { WEEKDAYS } from '#shared/domain/campaign';
import { ValidationError } from '#shared/domain/errors';

/**
 * Calling windows: when a contact may be dialled, given a campaign's {@link CallingRules} and the contact's zone.
 *
 * How local wall-clock times become instants (the DST rule). A window "from S to E" on local day D is open from the
 * first instant at which the local clock reads S or later on D, until the first instant at which it reads E or later
 * (E = "24:00" means the start of D + 1). That is what a person watching the wall clock would do, and it settles both
 * DST cases with one rule:
 * - a time in a spring-forward gap (02:30 on 2027-03-14 in New York never shows) maps to the end of the gap (03:00
 *   EDT), so a window 02:30–04:00 opens at 03:00 and a window 02:00–02:45 is empty that day;
 * - a time that shows twice in a fall-back overlap maps to its first occurrence, so a window 01:30–03:00 on
 *   2027-11-07 in New York opens at 01:30 EDT and runs through the repeated hour until 03:00 EST (2 h 30 min of
 *   real time), and a window 00:00–01:30 closes at the first 01:30.
 *
 * Restricted periods remove whole local days (both ends inclusive) in the zone being evaluated. Touching intervals
 * (12:00–13:00 then 13:00–14:00, or Monday 20:00–24:00 then Tuesday 00:00–08:00) are merged into one interval.
 *
 * Searches step by local day, never by minute, and stop after {@link SEARCH_HORIZON_DAYS} local days, so rules under
 * which no window ever opens terminate with fewer (or no) intervals.
 */

/** Local days searched ahead of `from` before giving up. */
export const SEARCH_HORIZON_DAYS = 400;

/** An open calling interval: calls are allowed at every instant `t` with `start <= t < end`. */
export interface CallingInterval {
  start: Date;
  end: Date;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface CompiledRules {
  /** Index 0 = Monday, as WEEKDAYS; minutes of the local day, sorted, end may be 1440. */
  days: { start: number; end: number }[][];
  /** Inclusive ranges of local calendar days, as days since the Unix epoch. */
  restricted: { from: number; to: number }[];
}

// Rules objects are immutable in practice (parsed once per campaign); the dispatcher calls these functions on every
// dial, so the parsed form is kept per rules object.
const compiledCache = new WeakMap<CallingRules, CompiledRules>();

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function epochDayOf(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Math.floor(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY_MS);
}

function compile(rules: CallingRules): CompiledRules {
  const cached = compiledCache.get(rules);
  if (cached) return cached;
  const windows: Partial<WeeklyWindows> = rules.windows ?? {};
  const days = WEEKDAYS.map((day) =>
    (windows[day] ?? [])
      .map((w) => ({ start: minutesOf(w.start), end: minutesOf(w.end) }))
      .filter((w) => w.end > w.start)
      .sort((a, b) => a.start - b.start),
  );
  const restricted = (rules.restrictedPeriods ?? ([] as RestrictedPeriod[])).map((p) => ({
    from: epochDayOf(p.startDate),
    to: epochDayOf(p.endDate),
  }));
  const compiled = { days, restricted };
  compiledCache.set(rules, compiled);
  return compiled;
}

const zoneCache = new Map<string, IANAZone>();

function zoneOf(name: string): IANAZone {
  let zone = zoneCache.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    if (!zone.isValid) {
      throw new ValidationError(`unknown time zone "${name}"`, [{ path: 'timeZone', message: 'not an IANA zone' }]);
    }
    zoneCache.set(name, zone);
  }
  return zone;
}

/** Offset of `zone` at instant `ms`, in milliseconds. */
function offsetMs(zone: IANAZone, ms: number): number {
  return zone.offset(ms) * MINUTE_MS;
}

// Intl-based offset look-ups cost microseconds each; the per-day ones below hit the same day-aligned instants over
// and over (every dial of a campaign asks about today), so they are memoised, with a bound on memory.
const dayOffsetCache = new Map<string, number>();
const DAY_OFFSET_CACHE_LIMIT = 50_000;

function cachedOffsetMs(zone: IANAZone, ms: number): number {
  const key = `${zone.name}@${ms}`;
  let offset = dayOffsetCache.get(key);
  if (offset === undefined) {
    offset = offsetMs(zone, ms);
    if (dayOffsetCache.size >= DAY_OFFSET_CACHE_LIMIT) dayOffsetCache.clear();
    dayOffsetCache.set(key, offset);
  }
  return offset;
}

/** The local calendar day (days since the epoch) that `ms` falls on in `zone`. */
function localEpochDay(zone: IANAZone, ms: number): number {
  return Math.floor((ms + offsetMs(zone, ms)) / DAY_MS);
}

/**
 * The first instant at which the wall clock of `zone` reads `minute` (0–1440) of local day `epochDay` or later.
 * Assumes at most one offset change within a day either side, which holds for every zone in the tz database.
 */
function firstInstantAtOrAfter(zone: IANAZone, epochDay: number, minute: number): number {
  const wall = epochDay * DAY_MS + minute * MINUTE_MS;
  const offBefore = offsetMs(zone, wall - DAY_MS);
  const offAfter = offsetMs(zone, wall + DAY_MS);
  const x1 = wall - offBefore;
  const x2 = wall - offAfter;
  const valid1 = offsetMs(zone, x1) === offBefore;
  const valid2 = offsetMs(zone, x2) === offAfter;
  if (valid1 && valid2) return Math.min(x1, x2);
  if (valid1 !== valid2) return valid1 ? x1 : x2;
  // A spring-forward gap: the answer is the transition instant, which lies between the two candidates. Transitions
  // fall on whole seconds, so a binary search to the second finds it exactly in ~12 offset look-ups.
  let lo = Math.min(x1, x2);
  let hi = Math.max(x1, x2);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (mid + offsetMs(zone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function isRestricted(compiled: CompiledRules, epochDay: number): boolean {
  return compiled.restricted.some((r) => epochDay >= r.from && epochDay <= r.to);
}

/** Raw (unmerged, unclipped) intervals of one local day; empty on restricted days and for windows lost in a gap. */
function intervalsOfDay(compiled: CompiledRules, zone: IANAZone, epochDay: number): [number, number][] {
  if (isRestricted(compiled, epochDay)) return [];
  // 1970-01-01 was a Thursday (index 3 when Monday is 0).
  const weekday = (((epochDay + 3) % 7) + 7) % 7;
  const windows = compiled.days[weekday] ?? [];
  const out: [number, number][] = [];
  if (windows.length === 0) return out;
  // The local times of this day lie within 14 h of its UTC-reading; when the offset is the same a day before and
  // two days after, no transition can touch them and each local time maps to one instant with that offset.
  const dayWall = epochDay * DAY_MS;
  const offset = cachedOffsetMs(zone, dayWall - DAY_MS);
  const steady = offset === cachedOffsetMs(zone, dayWall + 2 * DAY_MS);
  for (const w of windows) {
    const start = steady ? dayWall + w.start * MINUTE_MS - offset : firstInstantAtOrAfter(zone, epochDay, w.start);
    const end = steady ? dayWall + w.end * MINUTE_MS - offset : firstInstantAtOrAfter(zone, epochDay, w.end);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/**
 * Merged open intervals, in order, that end after `fromMs`, the first clipped to start at `fromMs`. Merging needs
 * to see the next interval, so the generator yields an interval only once it knows the interval is maximal.
 */
function* openIntervals(compiled: CompiledRules, zone: IANAZone, fromMs: number): Generator<[number, number]> {
  // Start a day early: in zones whose clock goes back across midnight, yesterday's last window can reach past the
  // local midnight of `from`.
  const firstDay = localEpochDay(zone, fromMs) - 1;
  let pending: [number, number] | undefined;
  for (let day = firstDay; day <= firstDay + SEARCH_HORIZON_DAYS + 1; day++) {
    for (const [start, end] of intervalsOfDay(compiled, zone, day)) {
      if (end <= fromMs) continue;
      const clipped: [number, number] = [Math.max(start, fromMs), end];
      if (pending && clipped[0] <= pending[1]) {
        pending[1] = Math.max(pending[1], clipped[1]);
      } else {
        if (pending) yield pending;
        pending = clipped;
      }
    }
  }
  if (pending) yield pending;
}

/**
 * Whether calling is allowed at `instant`.
 *
 * @param zone the contact's own IANA zone; defaults to `rules.timeZone`. Weekday windows and restricted dates are
 *   read in this zone.
 * @throws ValidationError when the zone is not an IANA zone.
 */
export function isOpenAt(rules: CallingRules, instant: Date, zone?: string): boolean {
  const z = zoneOf(zone ?? rules.timeZone);
  const compiled = compile(rules);
  const ms = instant.getTime();
  const day = localEpochDay(z, ms);
  for (let d = day - 1; d <= day + 1; d++) {
    for (const [start, end] of intervalsOfDay(compiled, z, d)) {
      if (start <= ms && ms < end) return true;
    }
  }
  return false;
}

/**
 * The next `count` open intervals that end after `from`, in order, non-overlapping and maximal (touching windows
 * are merged). An interval already open at `from` is returned clipped to start at `from`. Fewer than `count` come
 * back when the search horizon ({@link SEARCH_HORIZON_DAYS} local days) runs out.
 *
 * @param zone the contact's own IANA zone; defaults to `rules.timeZone`.
 */
export function nextWindows(rules: CallingRules, from: Date, count: number, zone?: string): CallingInterval[] {
  const out: CallingInterval[] = [];
  if (count <= 0) return out;
  for (const [start, end] of openIntervals(compile(rules), zoneOf(zone ?? rules.timeZone), from.getTime())) {
    out.push({ start: new Date(start), end: new Date(end) });
    if (out.length >= count) break;
  }
  return out;
}

/**
 * The earliest instant at or after `from` at which calling is allowed (`from` itself when open), or `undefined`
 * when no window opens within {@link SEARCH_HORIZON_DAYS} local days.
 *
 * @param zone the contact's own IANA zone; defaults to `rules.timeZone`.
 */
export function nextOpenAt(rules: CallingRules, from: Date, zone?: string): Date | undefined {
  return nextWindows(rules, from, 1, zone)[0]?.start;
}

/**
 * `candidate` when calling is allowed then, otherwise the next instant it is; `undefined` when no window opens
 * within the search horizon. Used to place retries and callbacks.
 *
 * @param zone the contact's own IANA zone; defaults to `rules.timeZone`.
 */
export function moveIntoWindow(rules: CallingRules, candidate: Date, zone?: string): Date | undefined {
  return isOpenAt(rules, candidate, zone) ? candidate : nextOpenAt(rules, candidate, zone);
}
