import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TransitionRefusedError,
  ValidationError,
} from '#shared/domain/errors';
import { httpErrorMapper, mapError } from '#shared/http/error-mapper';
import {
  MalformedJsonError,
  MethodNotAllowedError,
  RouteNotFoundError,
  UnauthorizedError,
} from '#shared/http/http-errors';

function mapped(error: unknown) {
  const { response, internal } = mapError(error, 'req-1');
  return { status: response.statusCode, body: JSON.parse(response.body), headers: response.headers, internal };
}

describe('mapError', () => {
  it('maps each known error class to its status and shows its message', () => {
    expect(mapped(new ValidationError('invalid campaign', [{ path: 'name', message: 'required' }]))).toMatchObject({
      status: 400,
      body: { message: 'invalid campaign', issues: [{ path: 'name', message: 'required' }] },
      internal: false,
    });
    expect(mapped(new MalformedJsonError('not JSON'))).toMatchObject({ status: 400, body: { message: 'not JSON' } });
    expect(mapped(new UnauthorizedError('who are you'))).toMatchObject({ status: 401 });
    expect(mapped(new ForbiddenError('not yours'))).toMatchObject({ status: 403, body: { message: 'not yours' } });
    expect(mapped(new NotFoundError('no such campaign'))).toMatchObject({ status: 404 });
    expect(mapped(new RouteNotFoundError('no route'))).toMatchObject({ status: 404 });
    expect(mapped(new ConflictError('stale revision'))).toMatchObject({
      status: 409,
      body: { message: 'stale revision' },
    });
  });

  it('gives a refused transition its state and allowed actions', () => {
    const result = mapped(new TransitionRefusedError('cannot launch', 'draft', ['startPilot']));
    expect(result).toMatchObject({
      status: 409,
      body: { message: 'cannot launch', state: 'draft', allowed: ['startPilot'] },
    });
  });

  it('answers 405 with an Allow header', () => {
    const result = mapped(new MethodNotAllowedError('DELETE is not allowed', ['GET', 'PATCH']));
    expect(result.status).toBe(405);
    expect(result.headers.allow).toBe('GET, PATCH');
  });

  it('hides everything about an unknown error behind a generic 500 with the request id', () => {
    for (const error of [new Error('connection to 10.0.0.7 refused'), new TypeError('x is undefined'), 'a string']) {
      const result = mapped(error);
      expect(result).toEqual({
        status: 500,
        body: { message: 'Internal error', requestId: 'req-1' },
        headers: { 'content-type': 'application/json; charset=utf-8' },
        internal: true,
      });
    }
  });

  it('does not trust an error that only looks like a client error', () => {
    const lookalike = Object.assign(new Error('db password is hunter2'), { name: 'ValidationError', statusCode: 400 });
    expect(mapped(lookalike)).toMatchObject({ status: 500, body: { message: 'Internal error' } });
  });
});

describe('httpErrorMapper middleware', () => {
  function recorder() {
    const lines: { level: string; message: string; extra: unknown[] }[] = [];
    return {
      lines,
      logger: {
        error: (message: string, ...extra: unknown[]) => lines.push({ level: 'error', message, extra }),
        info: (message: string, ...extra: unknown[]) => lines.push({ level: 'info', message, extra }),
      },
    };
  }

  function request(error: unknown) {
    return {
      event: { requestContext: { requestId: 'apigw-1' } },
      context: { awsRequestId: 'lambda-1' },
      response: undefined,
      error,
      internal: {},
    } as unknown as Parameters<NonNullable<ReturnType<typeof httpErrorMapper>['onError']>>[0];
  }

  it('logs an internal error with its details and answers with the Lambda request id', async () => {
    const { lines, logger } = recorder();
    const req = request(new Error('boom at row 7'));
    await httpErrorMapper({ logger }).onError?.(req);
    expect(req.response?.statusCode).toBe(500);
    expect(JSON.parse(req.response?.body ?? '{}')).toEqual({ message: 'Internal error', requestId: 'lambda-1' });
    expect(lines).toEqual([
      { level: 'error', message: 'request failed', extra: [{ requestId: 'lambda-1', error: expect.any(Error) }] },
    ]);
  });

  it('logs a client error by class and status only, not its message', async () => {
    const { lines, logger } = recorder();
    const req = request(new NotFoundError('campaign c-secret does not exist'));
    await httpErrorMapper({ logger }).onError?.(req);
    expect(req.response?.statusCode).toBe(404);
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'request refused',
        extra: [{ requestId: 'lambda-1', statusCode: 404, errorName: 'NotFoundError' }],
      },
    ]);
  });
});
