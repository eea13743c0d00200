import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentRoutes } from '#functions/api/agent-routes';
import { dialingRoutes } from '#functions/api/dialing-routes';
import { campaignRoutes } from '#functions/api/http-api';
import { orderRoutes } from '#functions/api/order-routes';
import { qaRoutes } from '#functions/api/qa-routes';
import { subjectRoutes } from '#functions/api/subject-routes';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { renderOpenApiDocument } from '#shared/http/openapi';

const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
const doc = JSON.parse(committed) as {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown> };
};

const routes = [
  ...campaignRoutes({
    repository: new InMemoryCampaignRepository(),
    events: new InMemoryEventPublisher(),
    clock: new ManualClock(),
  }),
  ...agentRoutes({ store: {} as never, clock: new ManualClock() }),
  ...qaRoutes({ store: {} as never, clock: new ManualClock() }),
  ...dialingRoutes({} as never),
  ...orderRoutes({} as never),
  ...subjectRoutes({} as never),
];

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('docs/openapi.json', () => {
  it('is exactly what `npm run openapi` generates now (regenerate and commit it if this fails)', () => {
    expect(committed).toBe(renderOpenApiDocument());
  });

  it('documents every route of the router, and nothing the router does not serve', () => {
    const served = routes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('is OpenAPI 3.1 with both security schemes, and every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['cognito', 'sigv4']);
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('documents the error shapes the mapper produces on every operation', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys((op as { responses: Record<string, unknown> }).responses);
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '405', '500']));
      }
    }
  });
});
