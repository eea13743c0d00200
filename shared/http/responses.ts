import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** The response shape every route returns: structured, so API Gateway never guesses the status code. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** A JSON response; `headers` are added to the content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The id a caller can quote to find the logs of a request: the Lambda request id, which Powertools Logger stamps on
 * every log line, else API Gateway's own.
 */
export function requestIdOf(context: Partial<Context> | undefined, event: unknown): string {
  if (context?.awsRequestId) return context.awsRequestId;
  const rc = (event as { requestContext?: { requestId?: unknown } } | undefined)?.requestContext;
  return typeof rc?.requestId === 'string' ? rc.requestId : 'unknown';
}
