import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

/** A Lambda handler of API Gateway HTTP API (payload 2.0) events, as `createHttpApi` builds it. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface LocalHttpServerOptions {
  handler: HttpApiHandler;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Identity when the request names none (`x-outcall-user`). Default `local-planner` with role `planner`. */
  defaultUser?: { id: string; roles: string[] };
  /** Called once per request after the response is written; method, path and status only. */
  onRequest?: (line: { method: string; path: string; statusCode: number; ms: number }) => void;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops accepting connections, ends idle ones and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Header naming the local caller (becomes the Cognito `sub`). */
export const USER_HEADER = 'x-outcall-user';
/** Header with the local caller's roles, comma-separated (becomes `cognito:groups`). */
export const ROLES_HEADER = 'x-outcall-roles';

/** API Gateway's payload limit; larger bodies are refused as it would. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Serves a Lambda HTTP API handler on 127.0.0.1 the way API Gateway would call it: each request becomes an
 * `APIGatewayProxyEventV2` with lowercased headers, the raw path and query, and a JWT authorizer context carrying a
 * local identity, so the handler under test is byte for byte the one deployed.
 */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const defaultUser = options.defaultUser ?? { id: 'local-planner', roles: ['planner'] };
  const server = createServer((req, res) => {
    const started = performance.now();
    serve(req, res, options.handler, defaultUser)
      .catch(() => {
        // A handler that throws is what API Gateway reports as a bare 500; its text stays in the process.
        if (!res.headersSent) writeJson(res, 500, { message: 'Internal Server Error' });
        else res.destroy();
      })
      .finally(() => {
        options.onRequest?.({
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0] ?? '',
          statusCode: res.statusCode,
          ms: Math.round(performance.now() - started),
        });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: HttpApiHandler,
  defaultUser: { id: string; roles: string[] },
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    writeJson(res, 413, { message: 'Request Entity Too Large' });
    return;
  }
  const event = toEvent(req, body, defaultUser);
  const result = await handler(event, lambdaContext(event.requestContext.requestId));
  writeResult(res, result);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds the event API Gateway would send for this request (payload format 2.0, `$default` stage). */
export function toEvent(
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'>,
  body: Buffer,
  defaultUser: { id: string; roles: string[] },
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    // API Gateway joins repeated parameters with commas.
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const userId = headers[USER_HEADER]?.trim() || defaultUser.id;
  const roles = headers[ROLES_HEADER] !== undefined ? headers[ROLES_HEADER] : defaultUser.roles.join(',');
  const textual = body.length === 0 || /json|text|xml|x-www-form-urlencoded|yaml/i.test(headers['content-type'] ?? '');
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      // What an HTTP API JWT authorizer passes for a Cognito token: array claims flattened to "[a b]".
      authorizer: {
        jwt: {
          claims: {
            sub: userId,
            'cognito:groups': `[${roles
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean)
              .join(' ')}]`,
          },
          scopes: null,
        },
      },
    },
  } as APIGatewayProxyEventV2;
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: requestId,
    functionName: 'outcall-local-http-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:outcall-local-http-api',
    memoryLimitInMB: '1024',
    logGroupName: 'local',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // A plain value is what API Gateway treats as a 200 JSON body.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    writeJson(res, 200, result);
    return;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.statusCode = result.statusCode ?? 200;
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function writeJson(res: ServerResponse, statusCode: number, body: unknown): void {
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}
