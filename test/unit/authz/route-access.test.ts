import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { agentRoutes } from '#functions/api/agent-routes';
import { dialingRoutes } from '#functions/api/dialing-routes';
import { type ApiRoute, campaignRoutes, createHttpApi, guardRoutes } from '#functions/api/http-api';
import { orderRoutes } from '#functions/api/order-routes';
import { qaRoutes } from '#functions/api/qa-routes';
import { subjectRoutes } from '#functions/api/subject-routes';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { ROLES, ROUTE_ACCESS, type Role, rolesOf, routeKey } from '#shared/http/authorization';
import { json } from '#shared/http/responses';
import { apiEvent, campaignSpecInput, lambdaContext } from '#test/unit/functions/api/api-event';

// Handlers are never reached through these deps: each route's own handler is replaced by a stub below.
const unused = {} as never;
const realRoutes: ApiRoute[] = [
  ...campaignRoutes(unused),
  ...qaRoutes(unused),
  ...dialingRoutes(unused),
  ...agentRoutes(unused),
  ...orderRoutes(unused),
  ...subjectRoutes(unused),
];

/** The real route list with handlers that only say they ran, behind the real guard. */
function guarded(): { routes: ApiRoute[]; ran: string[] } {
  const ran: string[] = [];
  const stubs = realRoutes.map((r) => ({
    ...r,
    handler: async () => {
      ran.push(routeKey(r.method, r.path));
      return json(200, {});
    },
  }));
  return { routes: guardRoutes(stubs), ran };
}

const CALLER_ID = 'u-1';
/** Path parameters that put the caller on its own team and its own agent id, so only the role decides. */
function ownParameters(path: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (name === undefined) continue;
    params[name] = name === 'teamId' ? 't1' : name === 'agentId' ? CALLER_ID : '1';
  }
  return params;
}

function eventFor(route: ApiRoute, groups: string, params = ownParameters(route.path)): APIGatewayProxyEventV2 {
  const event = apiEvent({ method: route.method, path: route.path, identity: { sub: CALLER_ID, groups } });
  return { ...event, pathParameters: params };
}

async function statusOf(route: ApiRoute, groups: string, params?: Record<string, string>): Promise<number> {
  try {
    return (await route.handler(eventFor(route, groups, params))).statusCode;
  } catch (error) {
    if ((error as Error).name === 'ForbiddenError') return 403;
    throw error;
  }
}

const groupsOf = (role: Role) => (role === 'teamLead' ? '[teamLead team:t1]' : `[${role}]`);

describe('route access table', () => {
  it('has exactly one entry per route of the router, and every entry names at least one role', () => {
    const keys = realRoutes.map((r) => routeKey(r.method, r.path)).sort();
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual(keys);
    for (const access of Object.values(ROUTE_ACCESS)) {
      expect(access.roles.length).toBeGreaterThan(0);
      for (const role of access.roles) expect(ROLES).toContain(role);
    }
  });

  const cases = realRoutes.flatMap((route) =>
    ROLES.map((role) => ({
      key: routeKey(route.method, route.path),
      role,
      allowed: ROUTE_ACCESS[routeKey(route.method, route.path)]?.roles.includes(role) ?? false,
    })),
  );

  it.each(cases)('$key as $role: allowed=$allowed', async ({ key, role, allowed }) => {
    const { routes, ran } = guarded();
    const route = routes.find((r) => routeKey(r.method, r.path) === key);
    if (!route) throw new Error(`no route ${key}`);
    const status = await statusOf(route, groupsOf(role));
    expect(status).toBe(allowed ? 200 : 403);
    // A refusal happens before the route runs: nothing it would do has happened.
    expect(ran).toEqual(allowed ? [key] : []);
  });

  it('refuses a caller with no role at all on every route', async () => {
    const { routes, ran } = guarded();
    for (const route of routes) expect(await statusOf(route, '[]')).toBe(403);
    expect(ran).toEqual([]);
  });

  it('narrows a team lead to their own teams', async () => {
    const { routes } = guarded();
    const teamRoutes = routes.filter((r) => ROUTE_ACCESS[routeKey(r.method, r.path)]?.team !== undefined);
    expect(teamRoutes.length).toBeGreaterThanOrEqual(5);
    for (const route of teamRoutes) {
      const other = { ...ownParameters(route.path), teamId: 't2' };
      expect(await statusOf(route, '[teamLead team:t1]', other)).toBe(403);
      expect(await statusOf(route, '[teamLead team:t1 team:t2]', other)).toBe(200);
      // Managers and admins are not narrowed.
      if (ROUTE_ACCESS[routeKey(route.method, route.path)]?.roles.includes('admin')) {
        expect(await statusOf(route, '[admin]', other)).toBe(200);
      }
    }
  });

  it('narrows an agent to their own records', async () => {
    const { routes } = guarded();
    const selfRoutes = routes.filter((r) => ROUTE_ACCESS[routeKey(r.method, r.path)]?.self !== undefined);
    expect(selfRoutes.length).toBeGreaterThanOrEqual(4);
    for (const route of selfRoutes) {
      const other = { ...ownParameters(route.path), agentId: 'someone-else' };
      expect(await statusOf(route, '[agent]', other)).toBe(403);
      expect(await statusOf(route, '[agent]')).toBe(200);
    }
  });

  it('reads IAM role names and the older spellings as the same roles', () => {
    expect([...rolesOf({ roles: ['outcall-planner'] })]).toEqual(['planner']);
    expect([...rolesOf({ roles: ['team-lead', 'team:t1', 'store', 'unknown'] })].sort()).toEqual([
      'fulfilment',
      'teamLead',
    ]);
  });
});

describe('the access table in the real API', () => {
  function api() {
    const events = new InMemoryEventPublisher();
    const handler = createHttpApi(
      { repository: new InMemoryCampaignRepository(), events, clock: new ManualClock('2026-03-02T01:00:00.000Z') },
      { timeoutEarlyInMillis: 0 },
    );
    return {
      events,
      call: async (groups: string, method: string, path: string, body?: unknown) =>
        handler(apiEvent({ method, path, body, identity: { sub: CALLER_ID, groups } }), lambdaContext()) as Promise<{
          statusCode: number;
          body: string;
        }>,
    };
  }

  it('answers 403 to an agent creating a campaign, and the use case never runs', async () => {
    const t = api();
    const reply = await t.call('[agent]', 'POST', '/campaigns', campaignSpecInput());
    expect(reply.statusCode).toBe(403);
    expect(JSON.parse(reply.body).message).toMatch(/POST \/campaigns is for planner, admin/);
    expect(t.events.published).toHaveLength(0);
  });

  it('lets a planner create and a QA evaluator read, but not patch', async () => {
    const t = api();
    const created = await t.call('[planner]', 'POST', '/campaigns', campaignSpecInput());
    expect(created.statusCode).toBe(201);
    const id = JSON.parse(created.body).id as string;
    expect((await t.call('[qa]', 'GET', `/campaigns/${id}`)).statusCode).toBe(200);
    expect((await t.call('[qa]', 'PATCH', `/campaigns/${id}`, { name: 'x' })).statusCode).toBe(403);
  });
});
