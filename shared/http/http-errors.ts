/**
 * Errors that belong to HTTP itself rather than to the domain. Like the domain errors their messages are written for
 * the caller and are safe to show.
 */

/** The request carries no identity the API trusts: 401. */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

/** The body is not JSON (or not a JSON object where one is required): 400. */
export class MalformedJsonError extends Error {
  override readonly name = 'MalformedJsonError';
}

/** No route has this path: 404. */
export class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError';
}

/** The path exists but not with this method: 405 with an `Allow` header. */
export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
  readonly allow: readonly string[];
  constructor(message: string, allow: readonly string[]) {
    super(message);
    this.allow = allow;
  }
}
