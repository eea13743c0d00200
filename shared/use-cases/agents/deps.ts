import type { Role } from '#shared/http/authorization';
import type { AgentStore, SentMarkers } from '#shared/ports/agent-store';
import type { Clock } from '#shared/ports/clock';
import type { Mailer } from '#shared/ports/mailer';
import type { RosterSource } from '#shared/ports/roster';

/** Who calls; structurally the campaigns' `Actor` and the HTTP layer's `RequestActor`. */
export interface Actor {
  id: string;
  roles: string[];
}

/** Adapters the agent use cases work with. */
export interface AgentDeps {
  store: AgentStore;
  clock: Clock;
}

export interface ReminderDeps extends AgentDeps {
  markers: SentMarkers;
  mailer: Mailer;
}

export interface RosterDeps extends AgentDeps {
  roster: RosterSource;
  /** Zone given to a team first seen in the roster, until a planner sets its own. Default `Asia/Shanghai`. */
  defaultTimeZone?: string;
}

/*
 * Canonical role names (`ROLES`), matched against `rolesOf(actor)` only: aliases (`team-lead`) and IAM roles
 * (`outcall-<role>`) are resolved there, never spelt again here. A team lead is narrowed to the teams of its
 * `team:<id>` groups unless another of the listed roles qualifies (as the route table does).
 */
/** Roles that manage teams and agents (docs/security.md: planners, team leads for their teams, admins). */
export const MANAGER_ROLES: readonly Role[] = ['planner', 'teamLead', 'admin'];
/** Roles that read agents, teams and everyone's logs: the managers, and `manager`, who reads everything. */
export const READER_ROLES: readonly Role[] = [...MANAGER_ROLES, 'manager'];
/** The role of an agent: reads and writes its own log and plans only. */
export const AGENT_ROLE: Role = 'agent';
