import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPageSchema,
  campaignResponseSchema,
  transitionListSchema,
  transitionRefusedResponseSchema,
  transitionResponseSchema,
} from '#events/api/campaigns';
import { createHttpApi } from '#functions/api/http-api';
import { type LocalHttpServer, startLocalHttpServer } from '#infra/local/http-server';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('http-api');

const spec = {
  name: 'Spring promotion',
  purpose: 'sales',
  requestingDepartment: { name: '市场部' },
  planners: ['planner@example.com'],
  script: { text: '您好，我是…' },
  defaultRegion: 'CN',
  callingRules: { timeZone: 'Asia/Shanghai', windows: { monday: [{ start: '09:00', end: '12:00' }] } },
  deadline: '2027-03-31T20:00:00+08:00',
  connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+862161234567' },
};

describe('campaigns API over HTTP on DynamoDB Local', () => {
  let server: LocalHttpServer;
  const events = new InMemoryEventPublisher();

  beforeAll(async () => {
    const api = createHttpApi(
      {
        repository: new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }),
        events,
        clock: new ManualClock('2026-03-02T01:00:00.000Z'),
      },
      { timeoutEarlyInMillis: 0, logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }) },
    );
    server = await startLocalHttpServer({ handler: api, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-outcall-user': 'alice', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('creates, reads, patches, transitions (one refused) and lists a campaign', async () => {
    const created = await send('POST', '/campaigns', spec);
    expect(created.status).toBe(201);
    // Every success body must match the documented response contract.
    const id = campaignResponseSchema.parse(created.body).id;
    expect(created.body).toMatchObject({ state: 'draft', revision: 1, createdBy: 'alice' });
    expect(created.headers.get('location')).toBe(`/campaigns/${id}`);

    const read = await send('GET', `/campaigns/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe('"1"');

    const patched = await send('PATCH', `/campaigns/${id}`, { pacing: { dialsPerMinute: 30 } }, { 'if-match': '"1"' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ pacing: { dialsPerMinute: 30 }, revision: 2, name: 'Spring promotion' });
    const stale = await send('PATCH', `/campaigns/${id}`, { name: 'lost' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);

    const refused = await send('POST', `/campaigns/${id}/transitions`, { action: 'resume' });
    expect(refused.status).toBe(409);
    expect(transitionRefusedResponseSchema.parse(refused.body)).toMatchObject({
      state: 'draft',
      allowed: ['startPilot'],
    });

    const pilot = await send('POST', `/campaigns/${id}/transitions`, { action: 'startPilot', reason: 'first batch' });
    expect(pilot.status).toBe(200);
    expect(transitionResponseSchema.parse(pilot.body).campaign).toMatchObject({ state: 'pilot', revision: 3 });
    const ended = await send('POST', `/campaigns/${id}/transitions`, { action: 'endPilot' });
    expect(transitionResponseSchema.parse(ended.body).campaign).toMatchObject({ state: 'review', revision: 4 });

    const history = await send('GET', `/campaigns/${id}/transitions`);
    expect(history.status).toBe(200);
    expect(transitionListSchema.parse(history.body).items.map((t) => [t.action, t.actor])).toEqual([
      ['startPilot', 'alice'],
      ['endPilot', 'alice'],
    ]);

    const inReview = await send('GET', '/campaigns?state=review');
    expect(inReview.status).toBe(200);
    expect(campaignPageSchema.parse(inReview.body).items.map((c) => c.id)).toEqual([id]);
    const drafts = await send('GET', '/campaigns?state=draft');
    expect(drafts.body.items).toEqual([]);

    expect(events.published.map((e) => e.detailType)).toEqual([
      'CampaignCreated',
      'CampaignUpdated',
      'CampaignTransitioned',
      'CampaignTransitioned',
    ]);
  });

  it('pages through campaigns with the cursor the API returns', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        campaignResponseSchema.parse((await send('POST', '/campaigns', { ...spec, name: `page ${i}` })).body).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ state: 'draft', limit: '2', ...(cursor ? { cursor } : {}) });
      const page = await send('GET', `/campaigns?${query}`);
      expect(page.status).toBe(200);
      const { items, cursor: next } = campaignPageSchema.parse(page.body);
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((c) => c.id));
      cursor = next;
    } while (cursor);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('answers 404, 400 and 405 through the server as the handler maps them', async () => {
    expect((await send('GET', '/campaigns/c-doesnotexist00')).status).toBe(404);
    const malformed = await send('POST', '/campaigns', '{"name":');
    expect(malformed.status).toBe(400);
    const invalid = await send('POST', '/campaigns', { ...spec, deadline: 'soon' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([expect.objectContaining({ path: 'deadline' })]);
    const wrong = await send('PUT', '/campaigns');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });
});
