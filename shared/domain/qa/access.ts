import { ForbiddenError } from '#shared/domain/errors';
import { type Role, rolesOf, teamsOf } from '#shared/domain/roles';

/**
 * Who may do what with QA (docs/qa.md). Roles are the caller's groups (`actorFromEvent`) read through `rolesOf`, the
 * route table's normalisation (`team-lead`, IAM `outcall-<role>`): `qa`, `agent`, `teamLead`, `manager`, `planner`,
 * `admin`.
 *
 * - A team lead's teams are the groups named `team:<teamId>` they belong to (no table read on a request path).
 * - An agent is the agent whose id is the caller's id (Cognito `sub` / username = Connect user id).
 */

export interface QaActor {
  id: string;
  roles: readonly string[];
}

const has = (actor: QaActor, ...roles: Role[]) => {
  const held = rolesOf(actor);
  return roles.some((role) => held.has(role));
};

/** The teams a team lead leads (empty for anyone who is not a team lead). */
export function teamsLedBy(actor: QaActor): string[] {
  return has(actor, 'teamLead') ? teamsOf(actor) : [];
}

/** QA staff, managers and admins see every evaluation. */
export function seesAllEvaluations(actor: QaActor): boolean {
  return has(actor, 'qa', 'manager', 'admin');
}

/** Whether `actor` may read the evaluations of a call made by `agentId` in `teamId`. */
export function mayReadEvaluationsOf(actor: QaActor, call: { agentId: string; teamId: string }): boolean {
  if (seesAllEvaluations(actor)) return true;
  if (has(actor, 'agent') && actor.id === call.agentId) return true;
  return teamsLedBy(actor).includes(call.teamId);
}

export function requireScorecardWriter(actor: QaActor): void {
  if (!has(actor, 'qa', 'manager', 'admin')) throw new ForbiddenError('only QA, managers and admins edit scorecards');
}

export function requireScorecardReader(actor: QaActor): void {
  if (!has(actor, 'qa', 'manager', 'admin', 'teamLead', 'agent', 'planner')) {
    throw new ForbiddenError('this caller has no role that reads scorecards');
  }
}

/** Listing the queue, claiming, scoring and revising are the QA team's work. */
export function requireEvaluator(actor: QaActor): void {
  if (!has(actor, 'qa')) throw new ForbiddenError('only QA evaluators work the QA queue');
}

export function requireQueueReader(actor: QaActor): void {
  if (!has(actor, 'qa', 'manager', 'admin')) throw new ForbiddenError('only QA, managers and admins read the queue');
}

export function requireTeamReader(actor: QaActor, teamId: string): void {
  if (!seesAllEvaluations(actor) && !teamsLedBy(actor).includes(teamId)) {
    throw new ForbiddenError(`only the team's lead, QA, managers and admins read team ${teamId}'s evaluations`);
  }
}

export function requireAgentReader(actor: QaActor, agentId: string): void {
  if (seesAllEvaluations(actor) || (has(actor, 'agent') && actor.id === agentId)) return;
  // A team lead may list any agent; the use case keeps only calls of the lead's teams.
  if (teamsLedBy(actor).length > 0) return;
  throw new ForbiddenError("agents read only their own evaluations, team leads their team's");
}
