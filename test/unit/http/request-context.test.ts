import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '#shared/http/http-errors';
import { jsonBody } from '#shared/http/request';
import { actorFromEvent, groupsFromClaim } from '#shared/http/request-context';

function withAuthorizer(authorizer: unknown): APIGatewayProxyEventV2 {
  return { requestContext: authorizer === undefined ? {} : { authorizer } } as unknown as APIGatewayProxyEventV2;
}

describe('actorFromEvent', () => {
  it('takes an IAM caller from its ARN, an assumed role name being its role', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/outcall-planner/alice';
    expect(actorFromEvent(withAuthorizer({ iam: { userArn: arn } }))).toEqual({ id: arn, roles: ['outcall-planner'] });
    const user = 'arn:aws:iam::123456789012:user/ci';
    expect(actorFromEvent(withAuthorizer({ iam: { userArn: user } }))).toEqual({ id: user, roles: [] });
  });

  it('takes a Cognito caller from sub and cognito:groups', () => {
    const event = withAuthorizer({ jwt: { claims: { sub: 'u-1', 'cognito:groups': '[planner qa]' }, scopes: null } });
    expect(actorFromEvent(event)).toEqual({ id: 'u-1', roles: ['planner', 'qa'] });
  });

  it("takes an agent's Amazon Connect id from custom:agentId, so the router's own-records check matches it", () => {
    const claims = { sub: 'u-7', 'cognito:groups': '[agent]', 'custom:agentId': 'a-1001' };
    const event = withAuthorizer({ jwt: { claims, scopes: null } });
    expect(actorFromEvent(event)).toEqual({ id: 'a-1001', roles: ['agent'] });
    const blank = withAuthorizer({ jwt: { claims: { ...claims, 'custom:agentId': ' ' }, scopes: null } });
    expect(actorFromEvent(blank).id).toBe('u-7');
  });

  it('refuses a request with no usable identity', () => {
    for (const authorizer of [undefined, null, {}, { jwt: { claims: { sub: '' } } }, { iam: { userArn: '' } }]) {
      expect(() => actorFromEvent(withAuthorizer(authorizer))).toThrow(UnauthorizedError);
    }
  });
});

describe('groupsFromClaim', () => {
  it('reads every form the groups claim arrives in', () => {
    expect(groupsFromClaim(['planner', 'qa'])).toEqual(['planner', 'qa']);
    expect(groupsFromClaim('[planner qa]')).toEqual(['planner', 'qa']);
    expect(groupsFromClaim('["planner","qa"]')).toEqual(['planner', 'qa']);
    expect(groupsFromClaim('planner, qa')).toEqual(['planner', 'qa']);
    expect(groupsFromClaim('[]')).toEqual([]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe('jsonBody', () => {
  it('parses plain and base64 bodies, and treats an empty body as absent', () => {
    expect(jsonBody({ body: '{"a":1}', isBase64Encoded: false })).toEqual({ a: 1 });
    expect(jsonBody({ body: Buffer.from('{"a":"中"}').toString('base64'), isBase64Encoded: true })).toEqual({
      a: '中',
    });
    expect(jsonBody({ body: '', isBase64Encoded: false })).toBeUndefined();
  });

  it('throws MalformedJsonError on text that is not JSON', () => {
    expect(() => jsonBody({ body: '{a:1}', isBase64Encoded: false })).toThrow('not valid JSON');
  });
});
