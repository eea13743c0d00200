import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { issuesFrom, ValidationError } from '#shared/domain/errors';
import { MalformedJsonError } from '#shared/http/http-errors';

/** The JSON body of a request; an empty body is `undefined`. Throws `MalformedJsonError` when it does not parse. */
export function jsonBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedJsonError('the request body is not valid JSON');
  }
}

/** Validates `value` against one request schema, throwing `ValidationError` with every issue (path: message). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`invalid ${what}`, issuesFrom(result.error.issues));
  return result.data;
}
