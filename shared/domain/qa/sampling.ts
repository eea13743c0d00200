import * as z from 'zod';

/**
 * Daily QA sampling of one agent's calls. Which calls are picked depends only on the calls themselves, the policy and
 * the seed key (day, team, agent, recorded seed): never on the order the calls were read in nor on the clock, so a
 * rerun of the same day picks the same calls and the store's conditional put turns it into a no-op.
 */

export const quotaRuleSchema = z.object({
  /** At least this many random calls (when the agent made that many effective calls). */
  count: z.number().int().min(0).max(200),
  /** At least this share of the agent's effective calls, in percent, rounded up. */
  percent: z.number().int().min(0).max(100),
});

export const samplingPolicySchema = z.object({
  /** Random calls per agent and day: the larger of `count` and `percent` of the effective calls. Default 2 / 5 %. */
  regular: quotaRuleSchema.default({ count: 2, percent: 5 }),
  /** The same for new agents, who are watched more closely. Default 4 / 10 %. */
  newAgent: quotaRuleSchema.default({ count: 4, percent: 10 }),
  /** Days from the start date (day 1) during which an agent is new. Default 30, as for quotas. */
  newAgentDays: z.number().int().min(0).max(366).default(30),
  /** A reached call shorter than this is always sampled (a customer cut off, a rushed call). Default 20 s. */
  shortTalkSeconds: z.number().int().min(0).max(3600).default(20),
  /** A call longer than this is always sampled. Default 1,200 s (20 min). */
  longTalkSeconds: z.number().int().min(1).max(86_400).default(1200),
  /** Upper bound on random calls per agent and day; mandatory ones are never capped. Default 20. */
  maxRandomPerAgent: z.number().int().min(0).max(1000).default(20),
});
export type SamplingPolicy = z.infer<typeof samplingPolicySchema>;
export const DEFAULT_SAMPLING_POLICY: SamplingPolicy = samplingPolicySchema.parse({});

/** What sampling needs to know of one call (an attempt item). */
export interface SamplingCall {
  attemptRef: string;
  /** Seconds talked with the agent; 0 when the call never reached a conversation. */
  talkSeconds: number;
  /** 有效电话, as outcomes decided it. */
  effective: boolean;
  complaint: boolean;
  dnc: boolean;
}

export const SAMPLE_REASONS = ['random', 'complaint', 'dnc', 'shortTalk', 'longTalk'] as const;
export type SampleReason = (typeof SAMPLE_REASONS)[number];

export interface SampleSeedKey {
  day: string;
  teamId: string;
  agentId: string;
  /** The recorded seed of the run (configuration); changing it draws a different random sample. */
  seed: string;
}

export interface SampledCall<C extends SamplingCall> {
  call: C;
  reasons: SampleReason[];
}

/** Random calls owed for `effectiveCalls` effective calls under `rule`, before the per-agent cap. */
export function randomQuota(rule: z.infer<typeof quotaRuleSchema>, effectiveCalls: number): number {
  // Integer ceil of percent × n / 100: no float decides whether 5 % of 40 is 2 or 3.
  return Math.max(rule.count, Math.floor((rule.percent * effectiveCalls + 99) / 100));
}

/** The reasons that force a call into the sample whatever the draw. */
export function mandatoryReasons(call: SamplingCall, policy: SamplingPolicy): SampleReason[] {
  const reasons: SampleReason[] = [];
  if (call.complaint) reasons.push('complaint');
  if (call.dnc) reasons.push('dnc');
  if (call.talkSeconds > 0 && call.talkSeconds < policy.shortTalkSeconds) reasons.push('shortTalk');
  if (call.talkSeconds > policy.longTalkSeconds) reasons.push('longTalk');
  return reasons;
}

/**
 * One agent's sample of a day: every call with a mandatory reason (complaint, DNC request, unusually short or long
 * talk), plus a seeded random draw from the remaining effective calls. The random quota is computed on all the
 * agent's effective calls and is on top of the mandatory ones. Result ordered by `attemptRef`.
 */
export function selectSample<C extends SamplingCall>(
  calls: readonly C[],
  options: { policy: SamplingPolicy; newAgent: boolean; key: SampleSeedKey },
): SampledCall<C>[] {
  const { policy } = options;
  const unique = new Map<string, C>();
  for (const call of calls) if (!unique.has(call.attemptRef)) unique.set(call.attemptRef, call);
  const ordered = [...unique.values()].sort((a, b) => compare(a.attemptRef, b.attemptRef));

  const picked = new Map<string, SampledCall<C>>();
  const pool: C[] = [];
  for (const call of ordered) {
    const reasons = mandatoryReasons(call, policy);
    if (reasons.length > 0) picked.set(call.attemptRef, { call, reasons });
    else if (call.effective) pool.push(call);
  }
  const effectiveCalls = ordered.filter((c) => c.effective).length;
  const rule = options.newAgent ? policy.newAgent : policy.regular;
  const k = Math.min(pool.length, policy.maxRandomPerAgent, randomQuota(rule, effectiveCalls));
  const next = seededRandom(seedString(options.key));
  // Partial Fisher–Yates over the canonical order: the first k positions are a uniform k-subset.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    const chosen = pool[j] as C;
    pool[j] = pool[i] as C;
    pool[i] = chosen;
    picked.set(chosen.attemptRef, { call: chosen, reasons: ['random'] });
  }
  return [...picked.values()].sort((a, b) => compare(a.call.attemptRef, b.call.attemptRef));
}

/** Whether an agent who started on `startDate` is new on `day` (both `YYYY-MM-DD`; day 1 is the start date). */
export function isNewAgent(startDate: string | undefined, day: string, newAgentDays: number): boolean {
  if (startDate === undefined || startDate > day) return false;
  const days = (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000 + 1;
  return days <= newAgentDays;
}

/** The string the generator is seeded from; recorded on every queue item of the run. */
export function seedString(key: SampleSeedKey): string {
  return `${key.day}|${key.teamId}|${key.agentId}|${key.seed}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A small seeded generator (cyrb128 hash → sfc32), uniform on [0, 1). Not cryptographic: the sample must be
 * reproducible and fair, not secret.
 */
export function seededRandom(seed: string): () => number {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  let a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
  let b = (h2 ^ h1) >>> 0;
  let c = (h3 ^ h1) >>> 0;
  let d = (h4 ^ h1) >>> 0;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
