import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** What a test says about a request; everything else is filled as API Gateway (payload 2.0) would. */
export interface ApiRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body text, for malformed JSON. */
  rawBody?: string;
  /** `null`: no authorizer at all. Default: a Cognito planner. */
  identity?: { sub: string; groups?: string } | { userArn: string } | null;
}

export function apiEvent(request: ApiRequest): APIGatewayProxyEventV2 {
  const identity = request.identity === undefined ? { sub: 'planner-1', groups: '[planner]' } : request.identity;
  const authorizer =
    identity === null
      ? undefined
      : 'userArn' in identity
        ? { iam: { userArn: identity.userArn } }
        : { jwt: { claims: { sub: identity.sub, 'cognito:groups': identity.groups ?? '' }, scopes: null } };
  const query = new URLSearchParams(request.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: query,
    headers: { 'content-type': 'application/json', ...request.headers },
    ...(request.query ? { queryStringParameters: request.query } : {}),
    ...(request.rawBody !== undefined
      ? { body: request.rawBody }
      : request.body !== undefined
        ? { body: JSON.stringify(request.body) }
        : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 't' },
      requestId: 'apigw-request-1',
      routeKey: '$default',
      stage: '$default',
      time: '02/Mar/2026:01:00:00 +0000',
      timeEpoch: 1772413200000,
      ...(authorizer ? { authorizer } : {}),
    },
  } as APIGatewayProxyEventV2;
}

export function lambdaContext(awsRequestId = 'lambda-request-1'): Context {
  return {
    awsRequestId,
    functionName: 'http-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-east-1:123456789012:function:http-api',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/http-api',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A valid campaign spec as a planner would POST it. */
export function campaignSpecInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Spring promotion',
    purpose: 'sales',
    requestingDepartment: { name: '市场部' },
    planners: ['planner@example.com'],
    script: { text: '您好，我是…' },
    defaultRegion: 'CN',
    callingRules: { timeZone: 'Asia/Shanghai', windows: { monday: [{ start: '09:00', end: '12:00' }] } },
    deadline: '2027-03-31T20:00:00+08:00',
    connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+862161234567' },
    ...overrides,
  };
}
