import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHttpApi } from '#functions/api/http-api';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { QaItem } from '#shared/domain/qa/queue';
import { DEFAULT_SCORECARD_SPEC, scorecardItems, scorecardSpecSchema } from '#shared/domain/qa/scorecard';
import { type ApiRequest, apiEvent, lambdaContext } from '#test/unit/functions/api/api-event';
import { InMemoryQaStore } from '#test/unit/qa/memory-qa-store';

interface Reply {
  statusCode: number;
  body: Record<string, unknown>;
}

const DAY = '2026-03-02';
const who = {
  qa1: { sub: 'qa-1', groups: '[qa]' },
  qa2: { sub: 'qa-2', groups: '[qa]' },
  agent1: { sub: 'agent-1', groups: '[agent]' },
  agent2: { sub: 'agent-2', groups: '[agent]' },
  leadT1: { sub: 'lead-1', groups: '[teamLead team:t1]' },
  leadT2: { sub: 'lead-2', groups: '[teamLead team:t2]' },
  planner: { sub: 'planner-1', groups: '[planner]' },
  manager: { sub: 'manager-1', groups: '[manager]' },
};

function queued(ref: string, overrides: Partial<QaItem> = {}): QaItem {
  return {
    attemptRef: ref,
    day: DAY,
    teamId: 't1',
    campaignId: 'c-spring0000001',
    agentId: 'agent-1',
    connectContactId: `contact-${ref}`,
    disposition: 'SALE',
    talkSeconds: 300,
    reasons: ['random'],
    sampleSeed: `${DAY}|t1|agent-1|s`,
    sampledAt: '2026-03-03T01:30:00.000Z',
    state: 'queued',
    calibrators: {},
    evaluationCount: 0,
    ...overrides,
  };
}

const defaultCard = scorecardSpecSchema.parse(DEFAULT_SCORECARD_SPEC);
/** Full marks except the given item values. */
function answers(values: Record<string, number | 'na'> = {}) {
  return scorecardItems(defaultCard).map(({ item }) => ({ itemId: item.id, value: values[item.id] ?? item.maxPoints }));
}

function setup() {
  const store = new InMemoryQaStore();
  const clock = new ManualClock('2026-03-03T02:00:00.000Z');
  const api = createHttpApi(
    {
      repository: new InMemoryCampaignRepository(),
      events: new InMemoryEventPublisher(),
      clock,
      qa: { store, clock },
    },
    { logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }), timeoutEarlyInMillis: 0 },
  );
  const call = async (identity: ApiRequest['identity'], request: Omit<ApiRequest, 'identity'>): Promise<Reply> => {
    const result = await api(apiEvent({ ...request, identity }), lambdaContext());
    return { statusCode: result.statusCode, body: JSON.parse(result.body) };
  };
  return { store, clock, call };
}

describe('QA HTTP routes', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(async () => {
    t = setup();
    await t.store.enqueue([queued('r1'), queued('r2'), queued('r3', { teamId: 't2', agentId: 'agent-2' })]);
  });

  const score = (identity: ApiRequest['identity'], ref: string, body: Record<string, unknown>) =>
    t.call(identity, { method: 'POST', path: `/qa/items/${ref}/evaluations`, body });

  it('serves the seeds default scorecard as version 1 to every role that reads scorecards', async () => {
    for (const identity of [who.qa1, who.agent1, who.leadT1, who.planner]) {
      const reply = await t.call(identity, { method: 'GET', path: '/qa/scorecards/default' });
      expect(reply.statusCode).toBe(200);
      expect(reply.body).toMatchObject({ id: 'default', version: 1 });
    }
    expect(
      (await t.call({ sub: 'x', groups: '[]' }, { method: 'GET', path: '/qa/scorecards/default' })).statusCode,
    ).toBe(403);
  });

  it('lets only QA, managers and admins write scorecards; an edit is a new version and old ones stay', async () => {
    const spec = { id: 'spring', name: 'Spring', sections: DEFAULT_SCORECARD_SPEC.sections };
    expect((await t.call(who.agent1, { method: 'POST', path: '/qa/scorecards', body: spec })).statusCode).toBe(403);
    expect((await t.call(who.leadT1, { method: 'POST', path: '/qa/scorecards', body: spec })).statusCode).toBe(403);
    const created = await t.call(who.qa1, { method: 'POST', path: '/qa/scorecards', body: spec });
    expect(created).toMatchObject({ statusCode: 201, body: { id: 'spring', version: 1, createdBy: 'qa-1' } });
    expect((await t.call(who.qa1, { method: 'POST', path: '/qa/scorecards', body: spec })).statusCode).toBe(409);

    const { id: _id, ...edit } = { ...spec, name: 'Spring v2' };
    const revised = await t.call(who.manager, { method: 'PUT', path: '/qa/scorecards/spring', body: edit });
    expect(revised).toMatchObject({ statusCode: 200, body: { version: 2, name: 'Spring v2' } });
    expect((await t.call(who.qa1, { method: 'GET', path: '/qa/scorecards/spring' })).body).toMatchObject({
      version: 2,
    });
    const v1 = await t.call(who.qa1, { method: 'GET', path: '/qa/scorecards/spring/versions/1' });
    expect(v1.body).toMatchObject({ version: 1, name: 'Spring' });
  });

  it('lets only evaluators work the queue: list, claim, score', async () => {
    for (const identity of [who.agent1, who.leadT1, who.planner]) {
      expect((await t.call(identity, { method: 'GET', path: '/qa/queue', query: { day: DAY } })).statusCode).toBe(403);
      expect((await t.call(identity, { method: 'POST', path: '/qa/items/r1/claim' })).statusCode).toBe(403);
    }
    expect((await t.call(who.manager, { method: 'POST', path: '/qa/items/r1/claim' })).statusCode).toBe(403);
    const page = await t.call(who.qa1, { method: 'GET', path: '/qa/queue', query: { day: DAY, team: 't1' } });
    expect(page.statusCode).toBe(200);
    expect((page.body.items as QaItem[]).map((i) => i.attemptRef)).toEqual(['r1', 'r2']);
  });

  it('gives a claimed item to one evaluator; another may only calibrate', async () => {
    expect((await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' })).body).toMatchObject({
      state: 'claimed',
      claimedBy: 'qa-1',
    });
    expect((await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' })).statusCode).toBe(200);
    expect((await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/claim' })).statusCode).toBe(409);
    const calibrating = await t.call(who.qa2, {
      method: 'POST',
      path: '/qa/items/r1/claim',
      body: { calibration: true },
    });
    expect(calibrating.statusCode).toBe(200);
    expect((await t.call(who.qa1, { method: 'POST', path: '/qa/items/nope/claim' })).statusCode).toBe(404);
  });

  it('lets a lapsed claim be taken over', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    t.clock.advance(9 * 3_600_000);
    expect((await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/claim' })).body).toMatchObject({
      claimedBy: 'qa-2',
    });
  });

  it('scores as primary when a calibrating evaluator took over the lapsed primary claim', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/claim', body: { calibration: true } });
    t.clock.advance(9 * 3_600_000); // qa-1's claim lapsed
    expect((await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/claim' })).body).toMatchObject({
      state: 'claimed',
      claimedBy: 'qa-2',
    });
    const body = { scorecardId: 'default', scorecardVersion: 1, answers: answers() };
    // The claim holder's evaluation is the one that scores the call, whatever it calibrated before.
    expect((await score(who.qa2, 'r1', body)).body).toMatchObject({ kind: 'primary', n: 1 });
    expect((await t.store.getItem('r1'))?.state).toBe('scored');
    expect(t.store.counters.get(`AGENT#agent-1#${DAY}`)).toEqual({ qaCount: 1, qaScoreSumTenths: 1000, qaCritical: 0 });
    expect((await score(who.qa2, 'r1', body)).statusCode).toBe(409); // scored already: revise instead
    expect((await score(who.qa1, 'r1', body)).statusCode).toBe(409); // no longer the claimant
  });

  it('computes the score, counts it once, and a revision adds only the difference', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    const body = { scorecardId: 'default', scorecardVersion: 1, answers: answers({ accuracy: 0 }) };
    expect((await score(who.qa2, 'r1', body)).statusCode).toBe(409); // not the claimant
    const first = await score(who.qa1, 'r1', body);
    // accuracy weighs 15 of 100: 85.0
    expect(first).toMatchObject({ statusCode: 201, body: { score: 85, kind: 'primary', n: 1 } });
    expect((await score(who.qa1, 'r1', body)).statusCode).toBe(409); // scored already
    const counters = () => ({
      agent: t.store.counters.get(`AGENT#agent-1#${DAY}`),
      team: t.store.counters.get(`TEAM#t1#${DAY}`),
      campaign: t.store.counters.get(`CAMPAIGN#c-spring0000001#${DAY}`),
    });
    const once = { qaCount: 1, qaScoreSumTenths: 850, qaCritical: 0 };
    expect(counters()).toEqual({ agent: once, team: once, campaign: once });

    const noReason = await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/revisions', body });
    expect(noReason.statusCode).toBe(400);
    const revision = await t.call(who.qa2, {
      method: 'POST',
      path: '/qa/items/r1/revisions',
      body: { ...body, answers: answers({ 'no-data-disclosure': 0 }), reason: 'recording shows the address read out' },
    });
    expect(revision).toMatchObject({
      statusCode: 201,
      body: { score: 0, rawScore: 100, criticalFailed: true, kind: 'revision', n: 2, replaces: 1 },
    });
    const revised = { qaCount: 1, qaScoreSumTenths: 0, qaCritical: 1 };
    expect(counters()).toEqual({ agent: revised, team: revised, campaign: revised });
  });

  it('does not count calibration evaluations and hides them from agents', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    await t.call(who.qa2, { method: 'POST', path: '/qa/items/r1/claim', body: { calibration: true } });
    const body = { scorecardId: 'default', scorecardVersion: 1, answers: answers() };
    expect((await score(who.qa2, 'r1', body)).body).toMatchObject({ kind: 'calibration', score: 100 });
    expect(t.store.counters.size).toBe(0);
    await score(who.qa1, 'r1', body);
    expect(t.store.counters.get(`AGENT#agent-1#${DAY}`)).toEqual({ qaCount: 1, qaScoreSumTenths: 1000, qaCritical: 0 });
    const asAgent = await t.call(who.agent1, { method: 'GET', path: '/qa/items/r1' });
    expect((asAgent.body.evaluations as { kind: string }[]).map((e) => e.kind)).toEqual(['primary']);
    const asQa = await t.call(who.qa1, { method: 'GET', path: '/qa/items/r1' });
    expect((asQa.body.evaluations as { kind: string }[]).map((e) => e.kind)).toEqual(['calibration', 'primary']);
  });

  it('keeps a past score when the scorecard is edited later', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    await score(who.qa1, 'r1', { scorecardId: 'default', scorecardVersion: 1, answers: answers({ accuracy: 0 }) });
    const heavier = structuredClone(DEFAULT_SCORECARD_SPEC);
    const product = heavier.sections.find((s) => s.id === 'product');
    if (product?.items[0]) product.items[0].weight = 100;
    expect((await t.call(who.qa1, { method: 'PUT', path: '/qa/scorecards/default', body: heavier })).statusCode).toBe(
      200,
    );
    const read = await t.call(who.qa1, { method: 'GET', path: '/qa/items/r1' });
    expect(read.body.evaluations).toEqual([expect.objectContaining({ score: 85, scorecardVersion: 1 })]);
    expect(read.body.item).toMatchObject({ current: { scoreTenths: 850, scorecardVersion: 1 } });
  });

  it('refuses answers that do not fit the scorecard version named', async () => {
    await t.call(who.qa1, { method: 'POST', path: '/qa/items/r1/claim' });
    const missing = await score(who.qa1, 'r1', {
      scorecardId: 'default',
      scorecardVersion: 1,
      answers: answers().slice(1),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body.issues).toEqual([{ path: 'answers', message: 'not answered: greeting' }]);
    const noVersion = await score(who.qa1, 'r1', { scorecardId: 'default', scorecardVersion: 7, answers: answers() });
    expect(noVersion.statusCode).toBe(400);
  });

  it('lets agents read only their own evaluations and team leads only their team', async () => {
    for (const ref of ['r1', 'r3']) {
      await t.call(who.qa1, { method: 'POST', path: `/qa/items/${ref}/claim` });
      await score(who.qa1, ref, { scorecardId: 'default', scorecardVersion: 1, answers: answers() });
    }
    const range = { from: DAY, to: DAY };
    const own = await t.call(who.agent1, { method: 'GET', path: '/qa/agents/agent-1/evaluations', query: range });
    expect(own.statusCode).toBe(200);
    expect((own.body.items as QaItem[]).map((i) => i.attemptRef)).toEqual(['r1']);
    const other = await t.call(who.agent1, { method: 'GET', path: '/qa/agents/agent-2/evaluations', query: range });
    expect(other.statusCode).toBe(403);
    expect((await t.call(who.agent1, { method: 'GET', path: '/qa/items/r3' })).statusCode).toBe(404);
    expect((await t.call(who.agent2, { method: 'GET', path: '/qa/items/r3' })).statusCode).toBe(200);

    const team = await t.call(who.leadT1, { method: 'GET', path: '/qa/teams/t1/evaluations', query: { day: DAY } });
    expect((team.body.items as QaItem[]).map((i) => i.attemptRef)).toEqual(['r1']);
    expect(
      (await t.call(who.leadT1, { method: 'GET', path: '/qa/teams/t2/evaluations', query: { day: DAY } })).statusCode,
    ).toBe(403);
    expect((await t.call(who.leadT1, { method: 'GET', path: '/qa/items/r3' })).statusCode).toBe(404);
    expect((await t.call(who.leadT2, { method: 'GET', path: '/qa/items/r3' })).statusCode).toBe(200);
    const viaLead = await t.call(who.leadT2, { method: 'GET', path: '/qa/agents/agent-1/evaluations', query: range });
    expect(viaLead.body.items).toEqual([]);
    const viaManager = await t.call(who.manager, {
      method: 'GET',
      path: '/qa/teams/t2/evaluations',
      query: { day: DAY },
    });
    expect(viaManager.statusCode).toBe(200);
  });
});
