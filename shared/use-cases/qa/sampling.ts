import { DateTime } from 'luxon';
import * as z from 'zod';
import type { QaItem } from '#shared/domain/qa/queue';
import {
  DEFAULT_SAMPLING_POLICY,
  isNewAgent,
  type SamplingPolicy,
  seedString,
  selectSample,
} from '#shared/domain/qa/sampling';
import type { QaDeps } from '#shared/use-cases/qa/scorecards';

/** The seed used when the schedule names none; recorded on every item either way. */
export const DEFAULT_SAMPLING_SEED = 'outcall-qa-1';

export interface TeamSampleRequest {
  teamId: string;
  /** Local day sampled, `YYYY-MM-DD`. */
  day: string;
  seed?: string;
  policy?: SamplingPolicy;
}

export interface TeamSampleResult {
  teamId: string;
  day: string;
  seed: string;
  agents: number;
  calls: number;
  sampled: number;
  /** Items newly queued; a rerun of the same day adds none. */
  added: number;
  alreadyQueued: number;
}

/**
 * Samples one team's calls of one local day into the QA queue, agent by agent: one Query of the agent's attempts of
 * that day, the seeded selection, then conditional puts (a call already queued stays as it is). The reads depend on
 * the team's agents and their own calls, never on other agents' or other days' calls.
 */
export async function sampleTeamDay(deps: QaDeps, request: TeamSampleRequest): Promise<TeamSampleResult> {
  const policy = request.policy ?? DEFAULT_SAMPLING_POLICY;
  const seed = request.seed ?? DEFAULT_SAMPLING_SEED;
  const sampledAt = deps.clock.now().toISOString();
  const agents = await deps.store.teamAgents(request.teamId);
  const result: TeamSampleResult = {
    teamId: request.teamId,
    day: request.day,
    seed,
    agents: agents.length,
    calls: 0,
    sampled: 0,
    added: 0,
    alreadyQueued: 0,
  };
  for (const agent of agents) {
    const calls = await deps.store.attemptsOfAgentDay(agent.agentId, request.day);
    result.calls += calls.length;
    const key = { day: request.day, teamId: request.teamId, agentId: agent.agentId, seed };
    const sample = selectSample(calls, {
      policy,
      newAgent: isNewAgent(agent.startDate, request.day, policy.newAgentDays),
      key,
    });
    const items: QaItem[] = sample.map(({ call, reasons }) => ({
      attemptRef: call.attemptRef,
      day: request.day,
      teamId: request.teamId,
      campaignId: call.campaignId,
      agentId: agent.agentId,
      ...(call.connectContactId ? { connectContactId: call.connectContactId } : {}),
      ...(call.disposition ? { disposition: call.disposition } : {}),
      talkSeconds: call.talkSeconds,
      ...(call.recording ? { recording: call.recording } : {}),
      reasons,
      sampleSeed: seedString(key),
      sampledAt,
      state: 'queued',
      calibrators: {},
      evaluationCount: 0,
    }));
    result.sampled += items.length;
    if (items.length === 0) continue;
    const { added, alreadyQueued } = await deps.store.enqueue(items);
    result.added += added;
    result.alreadyQueued += alreadyQueued;
  }
  return result;
}

/** The local day before `now` in `timeZone`: what a schedule firing after midnight samples. */
export function previousLocalDay(now: Date, timeZone: string): string {
  const day = DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: 1 }).toISODate();
  if (day === null) throw new RangeError(`invalid time zone ${timeZone}`);
  return day;
}

/** What the daily schedule sends the sampler (one schedule per team time zone). */
export const samplingRunSchema = z.object({
  /** IANA zone the schedule runs in: the teams of this zone are sampled, for the previous local day. */
  timeZone: z.string().min(1).max(64),
  /** Only these teams (default: every team whose zone is `timeZone`). */
  teamIds: z.array(z.string().min(1).max(100)).max(500).optional(),
  /** The day to sample instead of yesterday (a manual rerun). */
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  seed: z.string().min(1).max(100).optional(),
});
export type SamplingRun = z.infer<typeof samplingRunSchema>;

/**
 * One scheduled run: the previous local day of `timeZone` (or `day`) for each team of that zone (or `teamIds`). A
 * rerun is safe: already queued calls are left as they are.
 */
export async function runScheduledSampling(
  deps: QaDeps,
  run: SamplingRun,
  policy?: SamplingPolicy,
): Promise<TeamSampleResult[]> {
  const day = run.day ?? previousLocalDay(deps.clock.now(), run.timeZone);
  const teamIds =
    run.teamIds ?? (await deps.store.listTeams()).filter((t) => t.timeZone === run.timeZone).map((t) => t.teamId);
  const results: TeamSampleResult[] = [];
  for (const teamId of teamIds) {
    results.push(
      await sampleTeamDay(deps, {
        teamId,
        day,
        ...(run.seed ? { seed: run.seed } : {}),
        ...(policy ? { policy } : {}),
      }),
    );
  }
  return results;
}
