import {
  type Agent,
  agentIdSchema,
  agentSettingsSchema,
  type Team,
  teamIdSchema,
  teamSettingsSchema,
} from '#shared/domain/agents/agent';
import { issuesFrom, NotFoundError, ValidationError } from '#shared/domain/errors';
import { requireManager, requireSelfOrManager } from '#shared/use-cases/agents/access';
import type { Actor, AgentDeps } from '#shared/use-cases/agents/deps';

/** Creates or replaces a team's settings (planners, team leads). The roster link is kept. */
export async function putTeam(deps: AgentDeps, actor: Actor, teamId: string, input: unknown): Promise<Team> {
  requireManager(actor);
  if (!teamIdSchema.safeParse(teamId).success) throw new ValidationError(`${teamId} is not a team id`);
  const parsed = teamSettingsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('the team settings are invalid', issuesFrom(parsed.error.issues));
  const existing = await deps.store.getTeam(teamId);
  const team: Team = {
    ...parsed.data,
    id: teamId,
    ...(existing?.connectHierarchyGroupArn ? { connectHierarchyGroupArn: existing.connectHierarchyGroupArn } : {}),
    ...(parsed.data.name === undefined && existing?.name !== undefined ? { name: existing.name } : {}),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: actor.id,
  };
  await deps.store.putTeam(team);
  return team;
}

/** @throws NotFoundError for an unknown (or malformed) team id. */
export async function getTeam(deps: AgentDeps, teamId: string): Promise<Team> {
  const team = teamIdSchema.safeParse(teamId).success ? await deps.store.getTeam(teamId) : undefined;
  if (!team) throw new NotFoundError(`team ${teamId} does not exist`);
  return team;
}

/** @throws NotFoundError for an unknown (or malformed) agent id. */
export async function loadAgent(deps: AgentDeps, agentId: string): Promise<Agent> {
  const agent = agentIdSchema.safeParse(agentId).success ? await deps.store.getAgent(agentId) : undefined;
  if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
  return agent;
}

export async function getAgent(deps: AgentDeps, actor: Actor, agentId: string): Promise<Agent> {
  const agent = await loadAgent(deps, agentId);
  requireSelfOrManager(actor, agent);
  return agent;
}

export async function listTeamAgents(deps: AgentDeps, actor: Actor, teamId: string): Promise<Agent[]> {
  requireManager(actor);
  await getTeam(deps, teamId);
  return deps.store.listTeamAgents(teamId);
}

/**
 * Changes what outcall keeps on an agent beside the roster (start date, days off, API identity, team). Each field
 * given replaces the stored one; an agent not yet in the roster is created, so a planner can enter a new hire first.
 */
export async function updateAgentSettings(
  deps: AgentDeps,
  actor: Actor,
  agentId: string,
  patch: unknown,
): Promise<Agent> {
  requireManager(actor);
  if (!agentIdSchema.safeParse(agentId).success) throw new ValidationError(`${agentId} is not an agent id`);
  const parsed = agentSettingsSchema
    .partial()
    .strict()
    .safeParse(patch ?? {});
  if (!parsed.success) throw new ValidationError('the agent settings are invalid', issuesFrom(parsed.error.issues));
  if (parsed.data.teamId !== undefined) await getTeam(deps, parsed.data.teamId);
  const existing = await deps.store.getAgent(agentId);
  const agent: Agent = {
    daysOff: [],
    active: true,
    ...existing,
    ...stripUndefined(parsed.data),
    id: agentId,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.store.putAgent(agent);
  return agent;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
