/**
 * The pre-aggregated figures kept per campaign/day, agent/day and team/day (counter items, docs/data-model.md).
 * Outcomes add call figures, QA adds score figures, orders add sales figures; reports, quotas and reminders read only
 * these. Every field is a plain number added with DynamoDB `ADD`, so a missing field reads as 0.
 */
export const COUNTER_FIELDS = [
  /** Dial attempts that got an outcome. */
  'dials',
  /** Contacts attempted for the first time (attempt 1): penetration and attempts per contact derive from it. */
  'firstDials',
  /** Connected to a person (human answered). */
  'connects',
  /** Reached the customer and talked with an agent. */
  'reached',
  /** 有效电话: reached with talk time over the threshold, or a disposition marked effective. */
  'effective',
  'conversions',
  'refusals',
  'dnc',
  'complaints',
  'callbacks',
  /** Attempts that received an agent's disposition. */
  'dispositions',
  'intentional',
  'developable',
  'noAnswer',
  'busy',
  'voicemail',
  'invalid',
  'expired',
  'failed',
  'abandoned',
  'talkSeconds',
  /** QA: evaluations, the sum of their scores (0–100), and those failed by a critical item. */
  'qaCount',
  'qaScoreSum',
  'qaCritical',
  /** Sales follow-through: orders placed, delivered, returned, and amounts in cents. */
  'orders',
  'ordersDelivered',
  'ordersReturned',
  'ordersCancelled',
  'salesCents',
  /** Sale amounts as the agent recorded them at the call (orders may change them later: `salesCents`). */
  'orderAmount',
  'deliveredCents',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Counters = Partial<Record<CounterField, number>>;

export const COUNTER_SCOPES = ['CAMPAIGN', 'AGENT', 'TEAM'] as const;
export type CounterScope = (typeof COUNTER_SCOPES)[number];

/** Field-wise `after − before`, dropping zeros: what one input adds to the counters. */
export function counterDelta(before: Counters, after: Counters): Counters {
  const delta: Counters = {};
  for (const field of COUNTER_FIELDS) {
    const d = (after[field] ?? 0) - (before[field] ?? 0);
    if (d !== 0) delta[field] = d;
  }
  return delta;
}

/** Field-wise sum, e.g. of a day's shards or of the days of a week. */
export function sumCounters(items: readonly Counters[]): Counters {
  const total: Counters = {};
  for (const item of items) {
    for (const field of COUNTER_FIELDS) {
      const v = item[field];
      if (v !== undefined) total[field] = (total[field] ?? 0) + v;
    }
  }
  return total;
}
