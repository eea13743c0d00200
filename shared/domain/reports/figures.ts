/**
 * The figures of a report, computed from counter items only (docs/data-model.md, pattern 17). Counter items are
 * plain maps of numbers; fields written by another module under another name are read here in one place:
 * sales are `salesCents` (orders) or, until orders write them, `orderAmount` (outcomes, in currency units).
 */

/** A counter item or a sum of them: every numeric attribute, missing ones read as 0. */
export type CounterBag = Readonly<Record<string, number>>;

/** Field-wise sum of every numeric field (unlike `sumCounters`, fields outside `COUNTER_FIELDS` are kept too). */
export function sumBags(bags: Iterable<CounterBag>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const bag of bags) {
    for (const [field, value] of Object.entries(bag)) {
      if (typeof value === 'number' && Number.isFinite(value)) out[field] = (out[field] ?? 0) + value;
    }
  }
  return out;
}

const n = (bag: CounterBag, field: string): number => bag[field] ?? 0;

/** `part / whole`, or undefined when the whole is 0 (a rate of nothing is not 0 %). */
export function ratio(part: number, whole: number): number | undefined {
  return whole > 0 ? part / whole : undefined;
}

/** Sales in currency units (yuan): orders' cents when present, else the outcomes' order amounts. */
export function salesOf(bag: CounterBag): number {
  return bag.salesCents !== undefined ? bag.salesCents / 100 : n(bag, 'orderAmount');
}

/** Default commission on sales: "1% commission on sales" (DOMAIN.md §10). */
export const DEFAULT_COMMISSION_RATE = 0.01;

/**
 * Commission in currency units, rounded half-up (away from zero) to the cent. Computed in integers: in binary floats
 * 14.50 × 0.01 × 100 is 14.499999999999998 and would round down. Sales are money, so they are taken to the cent first
 * (which also drops the dust of summing amounts as floats); the rate is taken as the decimal it is written as (0.01 is
 * 1/100, not the double nearest it).
 */
export function commission(sales: number, rate: number): number {
  if (!Number.isFinite(sales) || !Number.isFinite(rate)) return Number.NaN;
  const sign = Math.sign(sales) * Math.sign(rate);
  const cents = BigInt(Math.round(Math.abs(sales) * 100));
  const { numerator, denominator } = decimalFraction(Math.abs(rate));
  // round(cents × n / d) half-up: floor((2·cents·n + d) / 2d).
  const rounded = (2n * cents * numerator + denominator) / (2n * denominator);
  return (sign * Number(rounded)) / 100 || 0;
}

/** A finite non-negative number as the fraction of the shortest decimal that prints it (1e-7 → 1/10⁷). */
function decimalFraction(value: number): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(value));
  if (!match) throw new Error(`not a finite non-negative number: ${value}`);
  const [, whole = '0', fraction = '', exponent = '0'] = match;
  const shift = Number(exponent) - fraction.length;
  const digits = BigInt(whole + fraction);
  return shift >= 0
    ? { numerator: digits * 10n ** BigInt(shift), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-shift) };
}

/** What a campaign's list and dialer say beside the counters. */
export interface CampaignContext {
  /** Contacts accepted by the campaign's finished lists. */
  listSize?: number | undefined;
  /** Contacts held back from dialing, by reason (DNC, attempts exhausted, invalid…), when diagnostics are known. */
  heldBack?: readonly { reason: string; count: number }[] | undefined;
}

export interface CampaignFigures {
  listSize?: number | undefined;
  /** Contacts dialed at least once (`firstDials`); undefined when the counters do not carry it. */
  attempted?: number | undefined;
  /** attempted / list size. */
  penetration?: number | undefined;
  dials: number;
  connects: number;
  /** connects / dials. */
  connectRate?: number | undefined;
  effective: number;
  conversions: number;
  /** conversions / connects. */
  conversionRate?: number | undefined;
  refusals: number;
  dnc: number;
  complaints: number;
  invalid: number;
  /** invalid numbers / dials. */
  invalidRate?: number | undefined;
  /** dials / attempted contacts. */
  attemptsPerContact?: number | undefined;
  /** talk seconds / connects. */
  avgTalkSeconds?: number | undefined;
  abandoned: number;
  /** abandoned / connects: answered calls no agent took. */
  abandonmentRate?: number | undefined;
  sales: number;
  heldBack: { reason: string; count: number }[];
}

export function campaignFigures(bag: CounterBag, context: CampaignContext = {}): CampaignFigures {
  const dials = n(bag, 'dials');
  const connects = n(bag, 'connects');
  const conversions = n(bag, 'conversions');
  const invalid = n(bag, 'invalid');
  const abandoned = n(bag, 'abandoned');
  const attempted = bag.firstDials;
  return {
    listSize: context.listSize,
    attempted,
    penetration:
      attempted !== undefined && context.listSize !== undefined ? ratio(attempted, context.listSize) : undefined,
    dials,
    connects,
    connectRate: ratio(connects, dials),
    effective: n(bag, 'effective'),
    conversions,
    conversionRate: ratio(conversions, connects),
    refusals: n(bag, 'refusals'),
    dnc: n(bag, 'dnc'),
    complaints: n(bag, 'complaints'),
    invalid,
    invalidRate: ratio(invalid, dials),
    attemptsPerContact: attempted !== undefined ? ratio(dials, attempted) : undefined,
    avgTalkSeconds: ratio(n(bag, 'talkSeconds'), connects),
    abandoned,
    abandonmentRate: ratio(abandoned, connects),
    sales: salesOf(bag),
    heldBack: [...(context.heldBack ?? [])].filter((h) => h.count > 0).sort((a, b) => b.count - a.count),
  };
}

/** Where a campaign stands against its deadline at `asOf`. */
export interface DeadlineProgress {
  /** Share of the time from start to deadline that has passed, 0–1. */
  timeElapsed: number;
  /** Whole days left (0 once passed). */
  daysLeft: number;
  /** Share of the list attempted, when known. */
  listDone?: number | undefined;
  /** The list is being worked slower than time passes (more than 10 points behind). */
  behind?: boolean | undefined;
}

export function deadlineProgress(start: Date, deadline: Date, asOf: Date, penetration?: number): DeadlineProgress {
  const total = deadline.getTime() - start.getTime();
  const elapsed = total > 0 ? Math.min(1, Math.max(0, (asOf.getTime() - start.getTime()) / total)) : 1;
  const daysLeft = Math.max(0, Math.ceil((deadline.getTime() - asOf.getTime()) / 86_400_000));
  return {
    timeElapsed: elapsed,
    daysLeft,
    listDone: penetration,
    behind: penetration === undefined ? undefined : penetration + 0.1 < elapsed,
  };
}

export type DailyLogStatus = 'submitted' | 'late' | 'missing' | 'notDue';

export interface AgentInput {
  agentId: string;
  /** Display name for the e-mail only; never logged. */
  name?: string | undefined;
  counters: CounterBag;
  /** Effective calls owed over the period (sum of the daily quotas of the agent's working days). */
  quota: number;
  /** Daily reports: the log of the day; longer periods: how many of the working days had a log. */
  log: { status: DailyLogStatus } | { submitted: number; late: number; due: number };
}

export interface AgentFigures {
  agentId: string;
  name?: string | undefined;
  dials: number;
  effective: number;
  quota: number;
  /** effective / quota; undefined for a quota of 0. */
  quotaAttainment?: number | undefined;
  conversions: number;
  qaCount: number;
  /** Mean QA score 0–100. */
  qaAverage?: number | undefined;
  qaCritical: number;
  complaints: number;
  /** e.g. `submitted`, `late`, `missing`, or `4/5 (1 late)` for longer periods. */
  logStatus: string;
  sales: number;
  commission: number;
}

export function agentFigures(input: AgentInput, commissionRate: number): AgentFigures {
  const c = input.counters;
  const qaCount = n(c, 'qaCount');
  const sales = salesOf(c);
  const log = input.log;
  const logStatus =
    'status' in log ? log.status : `${log.submitted}/${log.due}${log.late > 0 ? ` (${log.late} late)` : ''}`;
  return {
    agentId: input.agentId,
    name: input.name,
    dials: n(c, 'dials'),
    effective: n(c, 'effective'),
    quota: input.quota,
    quotaAttainment: ratio(n(c, 'effective'), input.quota),
    conversions: n(c, 'conversions'),
    qaCount,
    qaAverage: ratio(n(c, 'qaScoreSum'), qaCount),
    qaCritical: n(c, 'qaCritical'),
    complaints: n(c, 'complaints'),
    logStatus,
    sales,
    commission: commission(sales, commissionRate),
  };
}

/**
 * Best and worst agents of the period by effective calls against quota, then conversions; agents with neither a
 * quota nor a dial are left out. At most `count` each, and no agent is in both lists.
 */
export function rankAgents(
  agents: readonly AgentFigures[],
  count = 3,
): { top: AgentFigures[]; bottom: AgentFigures[] } {
  const ranked = agents
    .filter((a) => a.quota > 0 || a.dials > 0)
    .map((a) => ({ a, score: a.quotaAttainment ?? (a.effective > 0 ? 1 : 0) }))
    .sort((x, y) => y.score - x.score || y.a.conversions - x.a.conversions || x.a.agentId.localeCompare(y.a.agentId))
    .map((x) => x.a);
  const k = Math.min(count, Math.floor(ranked.length / 2));
  return { top: ranked.slice(0, k), bottom: ranked.slice(ranked.length - k).reverse() };
}

/** Relative change `(current − previous) / previous`; undefined when there is nothing to compare with. */
export function change(current: number, previous: number): number | undefined {
  return previous > 0 ? (current - previous) / previous : undefined;
}
