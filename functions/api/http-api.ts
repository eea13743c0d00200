import { createApiHandler, type HttpApiOptions } from '#functions/api/router';
import { type ApiDeps, apiRoutes } from '#functions/api/routes';
import { subjectRoutes } from '#functions/api/subject-routes';
import type { SubjectDeps } from '#shared/use-cases/privacy/subjects';

export { campaignRoutes } from '#functions/api/campaign-routes';
export { type ApiRoute, guardRoutes, type HttpApiOptions } from '#functions/api/router';

/**
 * The whole HTTP API in one handler — every route group, the data-subject routes included — for the local server and
 * the tests, which run the same routes and middleware as the deployed functions. Deployed, the API is two functions
 * (functions/api/handler.ts and functions/api/subjects-handler.ts) behind one API Gateway, so that only the
 * `/subjects` function carries the full phone-number metadata.
 */
export function createHttpApi(deps: ApiDeps & { subjects?: SubjectDeps }, options: HttpApiOptions = {}) {
  return createApiHandler([...apiRoutes(deps), ...(deps.subjects ? subjectRoutes(deps.subjects) : [])], options);
}
