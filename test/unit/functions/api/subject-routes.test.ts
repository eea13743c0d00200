import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '#functions/api/router';
import { subjectRoutes } from '#functions/api/subject-routes';
import type { SubjectDeps } from '#shared/use-cases/privacy/subjects';
import { apiEvent, lambdaContext } from '#test/unit/functions/api/api-event';

// A plain variable, not a vi.fn: the spy's own bookkeeping of a rejected promise surfaces as an unhandled error.
let eraseSubject: () => Promise<unknown> = async () => ({ erased: { contacts: 1 } });
vi.mock('#shared/use-cases/privacy/subjects', () => ({
  eraseSubject: () => eraseSubject(),
  exportSubject: async () => ({ contacts: [] }),
}));

// The use case is replaced: this is the route's contract with the SubjectsErased metric, not erasure itself
// (test/integration/privacy-subjects.test.ts erases for real).
const deps = {} as SubjectDeps;

describe('subject routes: the erasure hook behind SubjectsErased', () => {
  beforeEach(() => {
    eraseSubject = async () => ({ erased: { contacts: 1 } });
  });

  function handlerWith(onErased: () => void) {
    return createApiHandler(subjectRoutes(deps, { onErased }), { timeoutEarlyInMillis: 0 });
  }

  async function call(handler: ReturnType<typeof handlerWith>, method: string, groups = '[admin]') {
    const event = apiEvent({
      method,
      path: `/subjects/${encodeURIComponent('+8613800138000')}`,
      identity: { sub: 'admin-1', groups },
    });
    return (await handler(event, lambdaContext())) as { statusCode: number };
  }

  it('fires once per erasure carried out', async () => {
    const onErased = vi.fn();
    const handler = handlerWith(onErased);
    expect((await call(handler, 'DELETE')).statusCode).toBe(200);
    expect((await call(handler, 'DELETE')).statusCode).toBe(200);
    expect(onErased).toHaveBeenCalledTimes(2);
  });

  it('does not fire for an export, a refused caller or a failed erasure', async () => {
    const onErased = vi.fn();
    const handler = handlerWith(onErased);
    expect((await call(handler, 'GET')).statusCode).toBe(200);
    expect((await call(handler, 'DELETE', '[planner]')).statusCode).toBe(403);
    eraseSubject = async () => {
      throw new Error('table unavailable');
    };
    expect((await call(handler, 'DELETE')).statusCode).toBe(500);
    expect(onErased).not.toHaveBeenCalled();
  });
});
