import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { subjectPhoneParamSchema } from '#events/api/subjects';
import type { ApiRoute } from '#functions/api/router';
import { validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { json } from '#shared/http/responses';
import { eraseSubject, exportSubject, type SubjectDeps } from '#shared/use-cases/privacy/subjects';

/**
 * Data-subject requests (docs/security.md): `GET` exports everything held about the person with this number,
 * `DELETE` erases it and keeps the number on the DNC list. Admins only (the router's access table).
 */
export function subjectRoutes(deps: SubjectDeps, hooks: { onErased?: () => void } = {}): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/subjects/{phone}',
      handler: async (event) => json(200, await exportSubject(deps, phoneOf(event))),
    },
    {
      method: 'DELETE',
      path: '/subjects/{phone}',
      handler: async (event) => {
        const erased = await eraseSubject(deps, actorFromEvent(event), phoneOf(event));
        hooks.onErased?.();
        return json(200, erased);
      },
    },
  ];
}

function phoneOf(event: APIGatewayProxyEventV2): string {
  const raw = event.pathParameters?.phone ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape stays as it is and fails the schema.
  }
  return validate(subjectPhoneParamSchema, decoded, 'phone path parameter');
}
