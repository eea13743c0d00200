import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { toEvent } from '#infra/local/http-server';
import { actorFromEvent } from '#shared/http/request-context';

function request(method: string, url: string, headers: Record<string, string | string[]>) {
  return { method, url, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
}

const planner = { id: 'local-planner', roles: ['planner'] };

describe('local server event', () => {
  it('carries method, raw path, query (repeated values joined), lowercased headers and a JSON body', () => {
    const event = toEvent(
      request('patch', '/campaigns/c-abcdefghij?state=draft&state=pilot', {
        'content-type': 'application/json',
        'if-match': '"2"',
      }),
      Buffer.from('{"name":"x"}'),
      planner,
    );
    expect(event.requestContext.http).toMatchObject({ method: 'PATCH', path: '/campaigns/c-abcdefghij' });
    expect(event.rawPath).toBe('/campaigns/c-abcdefghij');
    expect(event.rawQueryString).toBe('state=draft&state=pilot');
    expect(event.queryStringParameters).toEqual({ state: 'draft,pilot' });
    expect(event.headers['if-match']).toBe('"2"');
    expect(event).toMatchObject({ body: '{"name":"x"}', isBase64Encoded: false });
  });

  it('gives the default planner identity, or the one the headers name', () => {
    expect(actorFromEvent(toEvent(request('GET', '/campaigns', {}), Buffer.alloc(0), planner))).toEqual(planner);
    const named = toEvent(
      request('GET', '/campaigns', { 'x-outcall-user': 'bob', 'x-outcall-roles': 'qa, manager' }),
      Buffer.alloc(0),
      planner,
    );
    expect(actorFromEvent(named)).toEqual({ id: 'bob', roles: ['qa', 'manager'] });
  });

  it('base64-encodes a body that is not text', () => {
    const event = toEvent(
      request('POST', '/campaigns', { 'content-type': 'application/octet-stream' }),
      Buffer.from([0xff, 0x00]),
      planner,
    );
    expect(event).toMatchObject({ body: '/wA=', isBase64Encoded: true });
  });
});
