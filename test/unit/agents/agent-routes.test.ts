import { describe, expect, it } from 'vitest';
import { agentsHttpApi } from '#test/unit/agents/agents-api';
import { world } from '#test/unit/agents/setup';
import { type ApiRequest, apiEvent, lambdaContext } from '#test/unit/functions/api/api-event';

function setup() {
  const w = world({}, [{ id: 'a1', email: 'a1@example.com', startDate: '2026-03-01' }]);
  w.store.setCounters('a1', '2026-03-02', { dials: 9, effective: 4 });
  w.clock.set('2026-03-02T08:00:00.000Z');
  const api = agentsHttpApi(w);
  const call = async (request: ApiRequest) => {
    const result = await api(apiEvent(request), lambdaContext());
    return { statusCode: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
  };
  return { ...w, call };
}

const asAgent = (sub: string) => ({ sub, groups: '[agent]' });

describe('agents HTTP routes', () => {
  it('an agent reads the pre-filled log and submits their own, not another one', async () => {
    const { call } = setup();
    const path = '/agents/a1/logs/2026-03-02';
    const draft = await call({ method: 'GET', path, identity: asAgent('a1') });
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toMatchObject({
      submitted: false,
      figures: { dials: 9, effective: 4 },
      progress: { quota: 20 },
    });
    const put = await call({ method: 'PUT', path, identity: asAgent('a1'), body: { summary: '今天 4 通有效' } });
    expect(put).toMatchObject({ statusCode: 200, body: { late: false, submissions: 1 } });
    expect((await call({ method: 'PUT', path, identity: asAgent('a2'), body: {} })).statusCode).toBe(403);
    expect((await call({ method: 'PUT', path, body: {} })).statusCode).toBe(403); // a planner
    expect((await call({ method: 'PUT', path, identity: asAgent('a1'), body: { summary: 7 } })).statusCode).toBe(400);
  });

  it('planners manage teams and agents; unknown ids are 404, wrong methods 405', async () => {
    const { call } = setup();
    const team = await call({ method: 'PUT', path: '/teams/t2', body: { timeZone: 'America/New_York' } });
    expect(team).toMatchObject({ statusCode: 200, body: { id: 't2', shiftEnd: '18:00', quota: { effective: 50 } } });
    expect((await call({ method: 'PUT', path: '/teams/t2', body: { timeZone: 'Nowhere' } })).statusCode).toBe(400);
    expect((await call({ method: 'GET', path: '/teams/nope' })).statusCode).toBe(404);
    const patched = await call({ method: 'PATCH', path: '/agents/a1', body: { teamId: 't2' } });
    expect(patched).toMatchObject({ statusCode: 200, body: { teamId: 't2', startDate: '2026-03-01' } });
    expect((await call({ method: 'DELETE', path: '/agents/a1' })).statusCode).toBe(405);
    const day = await call({ method: 'GET', path: '/teams/t1/days/2026-03-02' });
    expect(day).toMatchObject({ statusCode: 200, body: { agents: [] } });
  });
});
