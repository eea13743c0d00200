import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '#shared/http/http-errors';

/** Who calls the API, as the use cases see it. Structurally the use cases' `Actor`. */
export interface RequestActor {
  id: string;
  roles: string[];
}

/**
 * The caller's identity, from what API Gateway's authorizer put in the request context:
 * - IAM (SigV4): `authorizer.iam.userArn` is the id; an assumed role's name is its one role
 *   (`arn:aws:sts::1:assumed-role/outcall-planner/alice` → roles `["outcall-planner"]`).
 * - Cognito JWT: `sub` is the id, `cognito:groups` the roles — except for a person whose token carries
 *   `custom:agentId` (an agent's Amazon Connect user id, set by an administrator and not writable by the user): that
 *   is their id, so an agent's own records match the agent id Connect reports on their calls.
 * Throws `UnauthorizedError` when neither is present: the API never runs a use case for an anonymous caller.
 */
export function actorFromEvent(event: APIGatewayProxyEventV2): RequestActor {
  const authorizer = (event.requestContext as { authorizer?: unknown }).authorizer;
  if (authorizer !== null && typeof authorizer === 'object') {
    const iam = (authorizer as { iam?: { userArn?: unknown } }).iam;
    if (typeof iam?.userArn === 'string' && iam.userArn !== '') {
      return { id: iam.userArn, roles: rolesFromArn(iam.userArn) };
    }
    const claims = (authorizer as { jwt?: { claims?: Record<string, unknown> } }).jwt?.claims;
    if (typeof claims?.sub === 'string' && claims.sub !== '') {
      const agentId = claims['custom:agentId'];
      const id = typeof agentId === 'string' && agentId.trim() !== '' ? agentId.trim() : claims.sub;
      return { id, roles: groupsFromClaim(claims['cognito:groups']) };
    }
  }
  throw new UnauthorizedError('this API needs an authenticated caller (IAM SigV4 or a Cognito token)');
}

function rolesFromArn(arn: string): string[] {
  const match = /:assumed-role\/([^/]+)\//.exec(arn);
  return match?.[1] ? [match[1]] : [];
}

/**
 * HTTP APIs' JWT authorizer flattens array claims into a string such as `"[planner qa]"`; a token decoded elsewhere
 * (or the local server) may give a real array, JSON text or a comma-separated list. All are accepted.
 */
export function groupsFromClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string' && g !== '');
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      return groupsFromClaim(JSON.parse(text));
    } catch {
      // fall through to the flattened form
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((g) => g !== '');
}
