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

/** Roles that manage teams and agents and read everyone's logs. */
export const MANAGER_ROLES = ['planner', 'team-lead', 'admin'] as const;
/** The role of an agent: reads and writes its own log and plans only. */
export const AGENT_ROLE = 'agent';
