import type { Agent } from '#shared/domain/agents/agent';
import { ForbiddenError } from '#shared/domain/errors';
import { type Actor, AGENT_ROLE, MANAGER_ROLES } from '#shared/use-cases/agents/deps';

export function isManager(actor: Actor): boolean {
  return actor.roles.some((role) => (MANAGER_ROLES as readonly string[]).includes(role));
}

/** The agent the caller is, when the caller has the agent role and is this agent. */
export function isSelf(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal'>): boolean {
  return actor.roles.includes(AGENT_ROLE) && (actor.id === agent.id || actor.id === agent.apiPrincipal);
}

/** @throws ForbiddenError unless the caller is a planner, team lead or admin. */
export function requireManager(actor: Actor): void {
  if (!isManager(actor)) throw new ForbiddenError('only planners and team leads may do this');
}

/** @throws ForbiddenError unless the caller is this agent (role `agent`). */
export function requireSelf(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal'>): void {
  if (!isSelf(actor, agent)) throw new ForbiddenError('an agent may write only their own log and plans');
}

/** @throws ForbiddenError unless the caller is this agent or a manager. */
export function requireSelfOrManager(actor: Actor, agent: Pick<Agent, 'id' | 'apiPrincipal'>): void {
  if (!isSelf(actor, agent) && !isManager(actor)) throw new ForbiddenError('this log belongs to another agent');
}
