import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TransitionRefusedError,
  ValidationError,
} from '#shared/domain/errors';
import {
  MalformedJsonError,
  MethodNotAllowedError,
  RouteNotFoundError,
  UnauthorizedError,
} from '#shared/http/http-errors';
import { type HttpResponse, json, requestIdOf } from '#shared/http/responses';

/** What the mapper made of an error: the response to send and whether it was a fault of ours (5xx). */
export interface MappedError {
  response: HttpResponse;
  internal: boolean;
}

/** The body of every 5xx: nothing from the error itself, only an id to find it in the logs. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error';

/**
 * The one error → HTTP mapping of the API. Known error classes carry messages written for the caller and are shown;
 * anything else is internal and answered with a generic 500 carrying `requestId`, never the error's own text.
 */
export function mapError(error: unknown, requestId: string): MappedError {
  const client = (statusCode: number, body: Record<string, unknown>, headers?: Record<string, string>) => ({
    response: json(statusCode, body, headers),
    internal: false,
  });
  if (error instanceof ValidationError) return client(400, { message: error.message, issues: error.issues });
  if (error instanceof MalformedJsonError) return client(400, { message: error.message });
  if (error instanceof UnauthorizedError) return client(401, { message: error.message });
  if (error instanceof ForbiddenError) return client(403, { message: error.message });
  if (error instanceof NotFoundError || error instanceof RouteNotFoundError) {
    return client(404, { message: error.message });
  }
  if (error instanceof MethodNotAllowedError) {
    return client(405, { message: error.message, allow: error.allow }, { allow: error.allow.join(', ') });
  }
  if (error instanceof TransitionRefusedError) {
    return client(409, { message: error.message, state: error.state, allowed: error.allowed });
  }
  if (error instanceof ConflictError) return client(409, { message: error.message });
  return { response: json(500, { message: INTERNAL_ERROR_MESSAGE, requestId }), internal: true };
}

/** The subset of a logger the middleware needs, so tests can pass a recorder instead of Powertools. */
export interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
}

/**
 * Middy middleware that turns any thrown error into a response with `mapError`. Register it last so that its
 * `onError` runs first (middy runs `onError` in reverse order). Internal errors are logged with their stack; client
 * errors only by class and status, since their messages may echo caller input.
 */
export function httpErrorMapper(options: {
  logger: ErrorLogger;
}): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context> {
  return {
    onError: (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const requestId = requestIdOf(request.context, request.event);
      const { response, internal } = mapError(request.error, requestId);
      if (internal) {
        options.logger.error('request failed', { requestId, error: request.error });
      } else {
        options.logger.info('request refused', {
          requestId,
          statusCode: response.statusCode,
          errorName: request.error instanceof Error ? request.error.name : typeof request.error,
        });
      }
      request.response = response;
    },
  };
}
