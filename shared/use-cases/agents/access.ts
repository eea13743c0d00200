import type { Agent } from '#shared/domain/agents/agent';
import { ForbiddenError } from '#shared/domain/errors';
import { type Role, rolesOf, teamsOf } from '#shared/domain/roles';
import { type Actor, AGENT_ROLE, MANAGER_ROLES, READER_ROLES } from '#shared/use-cases/agents/deps';

/*
 * Every check reads roles through `rolesOf`, the route table's own normalisation, so a role the router lets through
 * means the same here. The router cannot narrow a team lead on `/agents/{agentId}` routes (the path names no team);
 * these checks do, from the agent's stored team.
 */

const holds = (actor: Actor, roles: readonly Role[]) => {
  const held = rolesOf(actor);
  return roles.some((role) => held.has(role));
};

/**
 * Whether one of `roles` lets the caller act on team `teamId`: any qualifying role but `teamLead` reaches every
 * team; a caller qualifying as `teamLead` only must lead that team (`team:<teamId>`). No team (an agent not yet
 * assigned) is no lead's.
 */
function reachesTeam(actor: Actor, roles: readonly Role[], teamId: string | undefined): boolean {
  const held = rolesOf(actor);
  const qualifying = roles.filter((role) => held.has(role));
  if (qualifying.some((role) => role !== 'teamLead')) return true;
  return qualifying.includes('teamLead') && teamId !== undefined && teamsOf(actor).includes(teamId);
}

export function isManager(actor: Actor): boolean {
  return holds(actor, MANAGER_ROLES);
}

/** The agent the caller is, when the caller has the agent role and is this agent. */
export function isSelf(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal'>): boolean {
  return holds(actor, [AGENT_ROLE]) && (actor.id === agent.id || actor.id === agent.apiPrincipal);
}

/** @throws ForbiddenError unless the caller is a planner, team lead or admin (of some team: see requireTeamManager). */
export function requireManager(actor: Actor): void {
  if (!isManager(actor)) throw new ForbiddenError('only planners, team leads and admins may do this');
}

/** @throws ForbiddenError unless the caller is a planner or admin, or leads team `teamId`. */
export function requireTeamManager(actor: Actor, teamId: string | undefined): void {
  requireManager(actor);
  if (!reachesTeam(actor, MANAGER_ROLES, teamId)) {
    throw new ForbiddenError(
      teamId === undefined
        ? 'only planners and admins manage an agent without a team'
        : `team leads manage their own teams only, not team ${teamId}`,
    );
  }
}

/** @throws ForbiddenError unless the caller is a planner, manager or admin, or leads team `teamId`. */
export function requireTeamReader(actor: Actor, teamId: string): void {
  if (!reachesTeam(actor, READER_ROLES, teamId)) {
    throw new ForbiddenError(`only planners, managers, admins and the team's lead read team ${teamId}`);
  }
}

/** @throws ForbiddenError unless the caller is this agent (role `agent`). */
export function requireSelf(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal'>): void {
  if (!isSelf(actor, agent)) throw new ForbiddenError('an agent may write only their own log and plans');
}

/** @throws ForbiddenError unless the caller is this agent, a reader of every team, or the lead of the agent's team. */
export function requireSelfOrReader(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal' | 'teamId'>): void {
  if (isSelf(actor, agent) || reachesTeam(actor, READER_ROLES, agent.teamId)) return;
  throw new ForbiddenError("this agent's records belong to another agent or another team");
}
