import { describe, expect, it } from 'vitest';
import { requireFulfilment, requireOrderReader } from '#shared/domain/orders/access';
import {
  mayReadEvaluationsOf,
  requireScorecardWriter,
  requireTeamReader,
  seesAllEvaluations,
  teamsLedBy,
} from '#shared/domain/qa/access';
import { getAgent, updateAgentSettings } from '#shared/use-cases/agents/teams';
import { agentsHttpApi } from '#test/unit/agents/agents-api';
import { world } from '#test/unit/agents/setup';
import { type ApiRequest, apiEvent, lambdaContext } from '#test/unit/functions/api/api-event';

// Regression: the agents use cases compared raw group names with their own misspelt list ('team-lead' but not the
// canonical 'teamLead', no 'manager', no IAM 'outcall-<role>'), and a team lead passed every agent-level check
// whatever the agent's team (docs/security.md: a lead sees "their team's agents, days and evaluations").

function setup() {
  // a1 is in team t1; t2 exists so that a move into it is a valid patch but for the caller's scope.
  const w = world({}, [{ id: 'a1', email: 'a1@example.com', startDate: '2026-03-01' }]);
  w.store.teams.set('t2', { ...w.team, id: 't2' });
  w.clock.set('2026-03-02T08:00:00.000Z');
  const api = agentsHttpApi(w);
  const call = async (request: ApiRequest) => (await api(apiEvent(request), lambdaContext())).statusCode;
  return { ...w, call };
}

describe('team leads on the agents routes (docs/security.md: "their team\'s agents, days and evaluations")', () => {
  it('a team lead (group teamLead, as ROLES names it) reads and edits their own team', async () => {
    const { call, store } = setup();
    const lead = { sub: 'lead-1', groups: '[teamLead team:t1]' };
    expect(await call({ method: 'GET', path: '/teams/t1/agents', identity: lead })).toBe(200);
    expect(await call({ method: 'GET', path: '/teams/t1/days/2026-03-02', identity: lead })).toBe(200);
    expect(await call({ method: 'GET', path: '/agents/a1', identity: lead })).toBe(200);
    expect(await call({ method: 'GET', path: '/agents/a1/logs/2026-03-02', identity: lead })).toBe(200);
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: lead, body: { daysOff: ['2026-03-03'] } })).toBe(
      200,
    );
    expect(store.agents.get('a1')?.daysOff).toEqual(['2026-03-03']);
  });

  it('a team lead of another team cannot read or edit an agent of team t1', async () => {
    const { call, store } = setup();
    // "team-lead" is documented as the same role as teamLead
    const otherLead = { sub: 'lead-9', groups: '[team-lead team:t9]' };
    expect(await call({ method: 'GET', path: '/agents/a1/logs/2026-03-02', identity: otherLead })).toBe(403);
    expect(await call({ method: 'GET', path: '/agents/a1', identity: otherLead })).toBe(403);
    expect(
      await call({ method: 'PATCH', path: '/agents/a1', identity: otherLead, body: { daysOff: ['2026-03-03'] } }),
    ).toBe(403);
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: otherLead, body: { teamId: 't9' } })).toBe(403);
    expect(store.agents.get('a1')).toMatchObject({ teamId: 't1', daysOff: [] });
  });

  it('a team lead cannot move their agent into a team they do not lead, nor take in an agent of another team', async () => {
    const { call, store } = setup();
    const lead = { sub: 'lead-1', groups: '[teamLead team:t1]' };
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: lead, body: { teamId: 't2' } })).toBe(403);
    expect(store.agents.get('a1')?.teamId).toBe('t1');
    // Leading both teams, the move is theirs to make.
    const both = { sub: 'lead-1', groups: '[teamLead team:t1 team:t2]' };
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: both, body: { teamId: 't2' } })).toBe(200);
    expect(store.agents.get('a1')?.teamId).toBe('t2');
    // Now a1 is in t2: the lead of t1 alone can no longer pull it back.
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: lead, body: { teamId: 't1' } })).toBe(403);
  });

  it('a team lead creates a new hire only inside their own team', async () => {
    const { call, store } = setup();
    const lead = { sub: 'lead-1', groups: '[teamLead team:t1]' };
    expect(await call({ method: 'PATCH', path: '/agents/a7', identity: lead, body: { startDate: '2026-03-09' } })).toBe(
      403,
    );
    expect(await call({ method: 'PATCH', path: '/agents/a7', identity: lead, body: { teamId: 't2' } })).toBe(403);
    expect(store.agents.has('a7')).toBe(false);
    expect(await call({ method: 'PATCH', path: '/agents/a7', identity: lead, body: { teamId: 't1' } })).toBe(200);
    expect(store.agents.get('a7')?.teamId).toBe('t1');
  });

  it('a manager (READERS in ROUTE_ACCESS) reads an agent and their log, and is not narrowed to a team', async () => {
    const { call } = setup();
    const manager = { sub: 'm-1', groups: '[manager]' };
    expect(await call({ method: 'GET', path: '/agents/a1', identity: manager })).toBe(200);
    expect(await call({ method: 'GET', path: '/agents/a1/logs/2026-03-02', identity: manager })).toBe(200);
    expect(await call({ method: 'GET', path: '/teams/t1/days/2026-03-02', identity: manager })).toBe(200);
  });

  it('a lead who is also a planner is not narrowed to their team', async () => {
    const { call } = setup();
    const both = { sub: 'p-1', groups: '[teamLead team:t9 planner]' };
    expect(await call({ method: 'GET', path: '/agents/a1', identity: both })).toBe(200);
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: both, body: { teamId: 't2' } })).toBe(200);
  });

  it('an IAM machine caller outcall-planner may patch an agent (ROUTE_ACCESS lets planners)', async () => {
    const { call } = setup();
    const iam = { userArn: 'arn:aws:sts::123456789012:assumed-role/outcall-planner/script' };
    expect(await call({ method: 'PATCH', path: '/agents/a1', identity: iam, body: { daysOff: [] } })).toBe(200);
    const admin = { userArn: 'arn:aws:sts::123456789012:assumed-role/outcall-admin/script' };
    expect(await call({ method: 'GET', path: '/agents/a1/logs/2026-03-02', identity: admin })).toBe(200);
  });
});

describe('agents use cases check the team scope themselves (a second line behind the route table)', () => {
  it('getAgent and updateAgentSettings refuse a lead of another team', async () => {
    const { store, clock } = setup();
    const deps = { store, clock };
    const otherLead = { id: 'lead-9', roles: ['teamLead', 'team:t9'] };
    await expect(getAgent(deps, otherLead, 'a1')).rejects.toMatchObject({ name: 'ForbiddenError' });
    // The API identity decides who may write the agent's logs: a lead of another team must not set it.
    await expect(updateAgentSettings(deps, otherLead, 'a1', { apiPrincipal: 'lead-9' })).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    expect(store.agents.get('a1')?.apiPrincipal).toBeUndefined();
    const lead = { id: 'lead-1', roles: ['teamLead', 'team:t1'] };
    await expect(getAgent(deps, lead, 'a1')).resolves.toMatchObject({ id: 'a1', teamId: 't1' });
  });
});

describe('QA and orders read roles through the same normalisation as the route table', () => {
  it('QA: the documented spellings and IAM roles are the same roles', () => {
    expect(teamsLedBy({ id: 'l', roles: ['team-lead', 'team:t1'] })).toEqual(['t1']);
    expect(teamsLedBy({ id: 'l', roles: ['outcall-teamLead', 'team:t1'] })).toEqual(['t1']);
    expect(mayReadEvaluationsOf({ id: 'l', roles: ['team-lead', 'team:t1'] }, { agentId: 'a1', teamId: 't1' })).toBe(
      true,
    );
    expect(() => requireTeamReader({ id: 'l', roles: ['team-lead', 'team:t1'] }, 't1')).not.toThrow();
    expect(() => requireTeamReader({ id: 'l', roles: ['team-lead', 'team:t1'] }, 't2')).toThrow();
    expect(seesAllEvaluations({ id: 'arn', roles: ['outcall-qa'] })).toBe(true);
    expect(() => requireScorecardWriter({ id: 'arn', roles: ['outcall-manager'] })).not.toThrow();
    // A `team:` group alone is not a role.
    expect(teamsLedBy({ id: 'x', roles: ['team:t1'] })).toEqual([]);
  });

  it('orders: `store` and IAM `outcall-<role>` are the same roles', () => {
    expect(() => requireFulfilment({ id: 's', roles: ['store'] })).not.toThrow();
    expect(() => requireFulfilment({ id: 'arn', roles: ['outcall-fulfilment'] })).not.toThrow();
    expect(() => requireOrderReader({ id: 'l', roles: ['team-lead', 'team:t1'] })).not.toThrow();
    expect(() => requireOrderReader({ id: 'arn', roles: ['outcall-planner'] })).not.toThrow();
    expect(() => requireFulfilment({ id: 'm', roles: ['manager'] })).toThrow();
  });
});
