import { ForbiddenError } from '#shared/domain/errors';
import { type Role, rolesOf, teamsOf } from '#shared/domain/roles';
import type { RequestActor } from '#shared/http/request-context';

/**
 * Who may call which API route (docs/security.md). One declarative table, enforced by the router before a route runs,
 * so that no route can forget a check; the use cases keep their finer checks (an agent's own evaluations, a team
 * lead's own team) as a second line.
 */

export { ROLES, type Role, rolesOf, teamsOf } from '#shared/domain/roles';

/** What one route lets through. */
export interface RouteAccess {
  /** Roles that may call the route at all. */
  roles: readonly Role[];
  /**
   * Path parameter naming a team: a caller whose only qualifying role is `teamLead` must lead that team
   * (`team:<teamId>` group).
   */
  team?: string;
  /** Path parameter naming an agent: a caller whose only qualifying role is `agent` must be that agent. */
  self?: string;
}

// Roles that see across teams and agents; a caller holding one is never narrowed to a team or to itself.
const BROAD: readonly Role[] = ['planner', 'qa', 'manager', 'admin', 'fulfilment'];

const READERS: readonly Role[] = ['planner', 'teamLead', 'manager', 'admin'];
const CAMPAIGN_WRITERS: readonly Role[] = ['planner', 'admin'];
const QA_ALL: readonly Role[] = ['qa', 'manager', 'admin'];
const ORDER_READERS: readonly Role[] = ['fulfilment', 'admin', 'manager', 'planner', 'teamLead'];

/**
 * The access table: `"<METHOD> <path template>"` → who may call it. A route missing here is refused to everyone
 * (fail closed), and a unit test checks every route of the router has an entry.
 */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'POST /campaigns': { roles: CAMPAIGN_WRITERS },
  'GET /campaigns': { roles: [...READERS, 'qa'] },
  'GET /campaigns/{id}': { roles: [...READERS, 'qa'] },
  'PATCH /campaigns/{id}': { roles: CAMPAIGN_WRITERS },
  // Managers approve a pilot's review and pause a campaign that harms customers.
  'POST /campaigns/{id}/transitions': { roles: ['planner', 'manager', 'admin'] },
  'GET /campaigns/{id}/transitions': { roles: READERS },
  'GET /campaigns/{id}/diagnostics': { roles: READERS },

  'POST /qa/scorecards': { roles: QA_ALL },
  'GET /qa/scorecards/{id}': { roles: [...QA_ALL, 'teamLead', 'agent', 'planner'] },
  'PUT /qa/scorecards/{id}': { roles: QA_ALL },
  'GET /qa/scorecards/{id}/versions/{version}': { roles: [...QA_ALL, 'teamLead', 'agent', 'planner'] },
  'GET /qa/queue': { roles: QA_ALL },
  // The use case answers 404 for an item outside the caller's team or calls.
  'GET /qa/items/{ref}': { roles: [...QA_ALL, 'teamLead', 'agent'] },
  'POST /qa/items/{ref}/claim': { roles: ['qa'] },
  'POST /qa/items/{ref}/evaluations': { roles: ['qa'] },
  'POST /qa/items/{ref}/revisions': { roles: ['qa'] },
  'GET /qa/agents/{agentId}/evaluations': { roles: [...QA_ALL, 'teamLead', 'agent'], self: 'agentId' },
  'GET /qa/teams/{teamId}/evaluations': { roles: [...QA_ALL, 'teamLead'], team: 'teamId' },

  'GET /teams/{teamId}': { roles: READERS, team: 'teamId' },
  'PUT /teams/{teamId}': { roles: ['planner', 'teamLead', 'admin'], team: 'teamId' },
  'GET /teams/{teamId}/agents': { roles: READERS, team: 'teamId' },
  'GET /teams/{teamId}/days/{day}': { roles: READERS, team: 'teamId' },
  'GET /agents/{agentId}': { roles: [...READERS, 'agent'], self: 'agentId' },
  'PATCH /agents/{agentId}': { roles: ['planner', 'teamLead', 'admin'] },
  'GET /agents/{agentId}/logs/{day}': { roles: [...READERS, 'agent'], self: 'agentId' },
  // Only the agent writes their own log and plan (the use case matches the caller to the agent).
  'PUT /agents/{agentId}/logs/{day}': { roles: ['agent'], self: 'agentId' },
  'PUT /agents/{agentId}/plans/{periodStart}': { roles: ['agent'], self: 'agentId' },

  // An agent reads the orders they took (the use case checks the order's agent).
  'GET /orders': { roles: [...ORDER_READERS, 'agent'] },
  'GET /orders/{orderId}': { roles: [...ORDER_READERS, 'agent'] },
  'POST /orders/{orderId}/updates': { roles: ['fulfilment', 'admin'] },
  'GET /order-reports/campaigns/{campaignId}': { roles: ORDER_READERS },
  'GET /order-reports/couriers/{courierId}': { roles: ORDER_READERS },

  'GET /subjects/{phone}': { roles: ['admin'] },
  'DELETE /subjects/{phone}': { roles: ['admin'] },
};

/** The table key of a route. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * Refuses the caller unless the access table lets it call `method path` with these path parameters.
 * @throws ForbiddenError (403) with a message that names the route and the roles that may call it.
 */
export function authorize(
  actor: RequestActor,
  method: string,
  path: string,
  pathParameters: Readonly<Record<string, string | undefined>> = {},
): void {
  const key = routeKey(method, path);
  const access = ROUTE_ACCESS[key];
  if (access === undefined) throw new ForbiddenError(`${key} declares no roles, so no one may call it`);
  const held = rolesOf(actor);
  const qualifying = access.roles.filter((role) => held.has(role));
  if (qualifying.length === 0) {
    throw new ForbiddenError(`${key} is for ${access.roles.join(', ')}`);
  }
  if (qualifying.some((role) => BROAD.includes(role))) return;
  const narrowed: string[] = [];
  if (access.team !== undefined && qualifying.includes('teamLead')) {
    if (teamsOf(actor).includes(pathParameters[access.team] ?? '')) return;
    narrowed.push('team leads see their own team only');
  }
  if (access.self !== undefined && qualifying.includes('agent')) {
    if (pathParameters[access.self] === actor.id) return;
    narrowed.push('agents see their own records only');
  }
  // A team lead on an agent route (no team in the path) is narrowed by the use case, which knows the agent's team.
  if (qualifying.includes('teamLead') && access.team === undefined) return;
  if (qualifying.includes('agent') && access.self === undefined) return;
  throw new ForbiddenError(narrowed.join('; '));
}
