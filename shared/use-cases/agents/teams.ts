import {
  type Agent,
  agentIdSchema,
  agentSettingsSchema,
  type Team,
  teamIdSchema,
  teamSettingsSchema,
} from '#shared/domain/agents/agent';
import { issuesFrom, NotFoundError, ValidationError } from '#shared/domain/errors';
import {
  requireManager,
  requireSelfOrReader,
  requireTeamManager,
  requireTeamReader,
} from '#shared/use-cases/agents/access';
import type { Actor, AgentDeps } from '#shared/use-cases/agents/deps';

/** Creates or replaces a team's settings (planners, admins, the team's lead). The roster link is kept. */
export async function putTeam(deps: AgentDeps, actor: Actor, teamId: string, input: unknown): Promise<Team> {
  requireTeamManager(actor, teamId);
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

/** The agent themselves, planners, managers, admins, or the lead of the agent's team. */
export async function getAgent(deps: AgentDeps, actor: Actor, agentId: string): Promise<Agent> {
  const agent = await loadAgent(deps, agentId);
  requireSelfOrReader(actor, agent);
  return agent;
}

export async function listTeamAgents(deps: AgentDeps, actor: Actor, teamId: string): Promise<Agent[]> {
  requireTeamReader(actor, teamId);
  await getTeam(deps, teamId);
  return deps.store.listTeamAgents(teamId);
}

/**
 * Changes what outcall keeps on an agent beside the roster (start date, days off, API identity, team). Each field
 * given replaces the stored one; an agent not yet in the roster is created, so a planner can enter a new hire first.
 * A team lead edits only agents of their own teams, moves one only into a team they lead, and enters a new hire only
 * into a team they lead.
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
  const existing = await deps.store.getAgent(agentId);
  // The agent's current team decides who may edit it; a new hire has none yet, so the team it is entered into does.
  if (existing !== undefined || parsed.data.teamId === undefined) requireTeamManager(actor, existing?.teamId);
  if (parsed.data.teamId !== undefined) {
    // Checked before the team's existence, so a lead learns nothing about teams not theirs.
    requireTeamManager(actor, parsed.data.teamId);
    await getTeam(deps, parsed.data.teamId);
  }
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
