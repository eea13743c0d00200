/**
 * The roles of outcall's people and machine callers (docs/security.md), and the one way to read them: the API's route
 * table (shared/http/authorization.ts) and every use case's access check (agents, QA, orders) go through `rolesOf`.
 */

/** The API's roles: Cognito user-pool groups, or the name of an IAM role (`outcall-<role>`) for machine callers. */
export const ROLES = ['planner', 'agent', 'qa', 'teamLead', 'manager', 'admin', 'fulfilment'] as const;
export type Role = (typeof ROLES)[number];

// Spellings already in use elsewhere (agents' `team-lead`, orders' `store`) mean the same role.
const ALIASES: Record<string, Role> = { 'team-lead': 'teamLead', store: 'fulfilment' };
const IAM_PREFIX = 'outcall-';

/**
 * The canonical roles an actor holds; unknown groups (such as `team:<id>`) are not roles and are dropped. The one
 * reading of roles: the route table and every use case's access check (agents, QA, orders) go through it, so an
 * alias or an IAM role means the same everywhere.
 */
export function rolesOf(actor: { readonly roles: readonly string[] }): Set<Role> {
  const out = new Set<Role>();
  for (const raw of actor.roles) {
    const name = raw.startsWith(IAM_PREFIX) ? raw.slice(IAM_PREFIX.length) : raw;
    const role = ALIASES[name] ?? name;
    if ((ROLES as readonly string[]).includes(role)) out.add(role as Role);
  }
  return out;
}

/** The teams a caller belongs to as lead: its `team:<teamId>` groups. */
export function teamsOf(actor: { readonly roles: readonly string[] }): string[] {
  return actor.roles.filter((r) => r.startsWith('team:')).map((r) => r.slice('team:'.length));
}
