import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpApi } from '#functions/api/http-api';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { CampaignDeps } from '#shared/use-cases/campaigns';
import { type ApiRequest, apiEvent, campaignSpecInput, lambdaContext } from './api-event.ts';

interface Reply {
  statusCode: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function setup(overrides: Partial<CampaignDeps> = {}) {
  const events = new InMemoryEventPublisher();
  let n = 0;
  const deps: CampaignDeps = {
    repository: new InMemoryCampaignRepository(),
    events,
    clock: new ManualClock('2026-03-02T01:00:00.000Z'),
    newId: () => `c-test${String(++n).padStart(8, '0')}`,
    ...overrides,
  };
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const api = createHttpApi(deps, { logger, timeoutEarlyInMillis: 0 });
  const call = async (request: ApiRequest, requestId?: string): Promise<Reply> => {
    const result = await api(apiEvent(request), lambdaContext(requestId));
    return { statusCode: result.statusCode, headers: result.headers, body: JSON.parse(result.body) };
  };
  return { call, events, logger };
}

describe('campaigns HTTP API', () => {
  let api: ReturnType<typeof setup>;
  beforeEach(() => {
    api = setup();
  });

  async function created(): Promise<string> {
    const reply = await api.call({ method: 'POST', path: '/campaigns', body: campaignSpecInput() });
    expect(reply.statusCode).toBe(201);
    return String(reply.body.id);
  }

  it('POST /campaigns creates a draft with defaults, a Location and an ETag', async () => {
    const reply = await api.call({ method: 'POST', path: '/campaigns', body: campaignSpecInput() });
    expect(reply.statusCode).toBe(201);
    expect(reply.body).toMatchObject({ id: 'c-test00000001', state: 'draft', revision: 1, createdBy: 'planner-1' });
    expect(reply.body.frequencyCaps).toMatchObject({ maxAttemptsTotal: 6 });
    expect(reply.headers).toMatchObject({ location: '/campaigns/c-test00000001', etag: '"1"' });
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(api.events.ofType('CampaignCreated')).toHaveLength(1);
  });

  it('POST /campaigns with an invalid spec is 400 with every issue by path', async () => {
    const reply = await api.call({
      method: 'POST',
      path: '/campaigns',
      body: campaignSpecInput({ purpose: 'spam', planners: [] }),
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.body.message).toEqual(expect.any(String));
    const paths = (reply.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['purpose', 'planners']));
    expect(api.events.published).toHaveLength(0);
  });

  it('malformed JSON is 400 without issues', async () => {
    const reply = await api.call({ method: 'POST', path: '/campaigns', rawBody: '{"name": ' });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toEqual({ message: 'the request body is not valid JSON' });
  });

  it('GET /campaigns/{id} returns the campaign; an unknown id is 404', async () => {
    const id = await created();
    const found = await api.call({ method: 'GET', path: `/campaigns/${id}` });
    expect(found.statusCode).toBe(200);
    expect(found.body).toMatchObject({ id, name: 'Spring promotion' });
    expect(found.headers.etag).toBe('"1"');

    const missing = await api.call({ method: 'GET', path: '/campaigns/c-doesnotexist00' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body.message).toContain('c-doesnotexist00');
    const garbled = await api.call({ method: 'GET', path: '/campaigns/%E0%A4%A' });
    expect(garbled.statusCode).toBe(404);
  });

  it('GET /campaigns lists by state with a cursor; a bad query is 400', async () => {
    for (let i = 0; i < 3; i++) await created();
    const first = await api.call({ method: 'GET', path: '/campaigns', query: { state: 'draft', limit: '2' } });
    expect(first.statusCode).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.cursor).toEqual(expect.any(String));
    const second = await api.call({
      method: 'GET',
      path: '/campaigns',
      query: { state: 'draft', limit: '2', cursor: String(first.body.cursor) },
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.cursor).toBeUndefined();

    const none = await api.call({ method: 'GET', path: '/campaigns', query: { state: 'active' } });
    expect(none.body.items).toEqual([]);

    const bad = await api.call({ method: 'GET', path: '/campaigns', query: { state: 'running', limit: '0' } });
    expect(bad.statusCode).toBe(400);
    expect((bad.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['limit', 'state']);
  });

  it('PATCH /campaigns/{id} applies the patch with If-Match and answers 409 on a stale revision', async () => {
    const id = await created();
    const patched = await api.call({
      method: 'PATCH',
      path: `/campaigns/${id}`,
      headers: { 'if-match': '"1"' },
      body: { name: 'Spring promotion v2' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Spring promotion v2', revision: 2 });
    expect(patched.headers.etag).toBe('"2"');

    const stale = await api.call({
      method: 'PATCH',
      path: `/campaigns/${id}`,
      headers: { 'if-match': '"1"' },
      body: { name: 'lost update' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body.message).toContain('revision');

    const unconditional = await api.call({ method: 'PATCH', path: `/campaigns/${id}`, body: { name: 'v3' } });
    expect(unconditional.body).toMatchObject({ name: 'v3', revision: 3 });

    const noChange = await api.call({ method: 'PATCH', path: `/campaigns/${id}`, body: {} });
    expect(noChange.statusCode).toBe(200);
    expect(noChange.body).toMatchObject({ name: 'v3', revision: 3 });
  });

  it('PATCH refuses unknown fields, a non-object body and a malformed If-Match with 400', async () => {
    const id = await created();
    const state = await api.call({ method: 'PATCH', path: `/campaigns/${id}`, body: { state: 'active' } });
    expect(state.statusCode).toBe(400);
    expect(state.body.issues).toEqual([expect.objectContaining({ message: expect.stringContaining('state') })]);
    const list = await api.call({ method: 'PATCH', path: `/campaigns/${id}`, body: ['name'] });
    expect(list.statusCode).toBe(400);
    const header = await api.call({
      method: 'PATCH',
      path: `/campaigns/${id}`,
      headers: { 'if-match': 'yesterday' },
      body: { name: 'x' },
    });
    expect(header.statusCode).toBe(400);
    expect(header.body.issues).toEqual([expect.objectContaining({ message: expect.stringContaining('If-Match') })]);
  });

  it('POST /campaigns/{id}/transitions moves the lifecycle and records it', async () => {
    const id = await created();
    const pilot = await api.call({
      method: 'POST',
      path: `/campaigns/${id}/transitions`,
      body: { action: 'startPilot', reason: 'first 200 numbers' },
    });
    expect(pilot.statusCode).toBe(200);
    expect(pilot.body.campaign).toMatchObject({ id, state: 'pilot', revision: 2 });
    expect(pilot.body.transition).toMatchObject({
      action: 'startPilot',
      from: 'draft',
      to: 'pilot',
      actor: 'planner-1',
    });
    expect(pilot.headers.etag).toBe('"2"');

    const history = await api.call({ method: 'GET', path: `/campaigns/${id}/transitions` });
    expect(history.statusCode).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ action: 'startPilot', reason: 'first 200 numbers' }),
    ]);
  });

  it('a refused transition is 409 with the state and the allowed actions', async () => {
    const id = await created();
    const reply = await api.call({ method: 'POST', path: `/campaigns/${id}/transitions`, body: { action: 'launch' } });
    expect(reply.statusCode).toBe(409);
    expect(reply.body).toMatchObject({ state: 'draft', allowed: ['startPilot'] });
    expect(reply.body.message).toContain('skipPilot');

    const skipped = await api.call({
      method: 'POST',
      path: `/campaigns/${id}/transitions`,
      body: { action: 'launch', skipPilot: true },
    });
    expect(skipped.statusCode).toBe(200);
    expect(skipped.body.campaign).toMatchObject({ state: 'active', pilotSkipped: true });
  });

  it('an unknown action is 400 naming the field', async () => {
    const id = await created();
    const reply = await api.call({ method: 'POST', path: `/campaigns/${id}/transitions`, body: { action: 'explode' } });
    expect(reply.statusCode).toBe(400);
    expect(reply.body.issues).toEqual([expect.objectContaining({ path: 'action' })]);
  });

  it('GET /campaigns/{id}/transitions of an unknown campaign is 404', async () => {
    const reply = await api.call({ method: 'GET', path: '/campaigns/c-doesnotexist00/transitions' });
    expect(reply.statusCode).toBe(404);
  });

  it('an unknown route is 404 and a known path with the wrong method is 405 with Allow', async () => {
    const unknown = await api.call({ method: 'GET', path: '/contacts' });
    expect(unknown.statusCode).toBe(404);
    const wrong = await api.call({ method: 'DELETE', path: '/campaigns/c-test00000001' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, PATCH');
    expect(wrong.body.allow).toEqual(['GET', 'PATCH']);
  });

  it('a request without identity is 401 and runs no use case', async () => {
    const reply = await api.call({ method: 'POST', path: '/campaigns', body: campaignSpecInput(), identity: null });
    expect(reply.statusCode).toBe(401);
    expect(api.events.published).toHaveLength(0);
    const anonymousRead = await api.call({ method: 'GET', path: '/campaigns', identity: null });
    expect(anonymousRead.statusCode).toBe(401);
  });

  it('an IAM caller is recorded by its ARN', async () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/outcall-planner/alice';
    const reply = await api.call({
      method: 'POST',
      path: '/campaigns',
      body: campaignSpecInput(),
      identity: { userArn: arn },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.body.createdBy).toBe(arn);
  });

  it('an unexpected failure is 500 with a request id and never the internal message, which is logged', async () => {
    const broken: CampaignRepository = {
      ...new InMemoryCampaignRepository(),
      get: async () => {
        throw new Error('secret table arn:aws:dynamodb:xyz is throttled');
      },
      create: async () => undefined,
      list: async () => ({ items: [] }),
      save: async () => undefined,
      listTransitions: async () => [],
    };
    const failing = setup({ repository: broken });
    const errorLog = vi.spyOn(failing.logger, 'error');
    const reply = await failing.call({ method: 'GET', path: '/campaigns/c-test00000001' }, 'req-500');
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ message: 'Internal error', requestId: 'req-500' });
    expect(JSON.stringify(reply)).not.toContain('secret');
    expect(errorLog).toHaveBeenCalledWith(
      'request failed',
      expect.objectContaining({
        requestId: 'req-500',
        error: expect.objectContaining({ message: expect.stringContaining('secret') }),
      }),
    );
  });
});

describe('Lambda entry point', () => {
  it('fails at import (the INIT phase) naming the missing variable', async () => {
    vi.resetModules();
    vi.stubEnv('TABLE_NAME', '');
    vi.stubEnv('BUS_NAME', 'bus');
    try {
      await expect(import('#functions/api/handler')).rejects.toThrow('environment variable TABLE_NAME is required');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('builds a handler at import when the environment is complete', async () => {
    vi.resetModules();
    vi.stubEnv('TABLE_NAME', 'table');
    vi.stubEnv('BUS_NAME', 'bus');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    try {
      const { handler } = await import('#functions/api/handler');
      expect(typeof handler).toBe('function');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
