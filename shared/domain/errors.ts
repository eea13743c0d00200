/**
 * The errors use cases throw. The HTTP layer maps each to one status code; messages of these classes are written for
 * the planner or agent who caused them and are safe to show. Any other error is internal and never shown.
 */

export interface Issue {
  path: string;
  message: string;
}

/** Input broke a rule of a schema: 400 (or 422 for a well-formed body that cannot be applied). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = []) {
    super(message);
    this.issues = issues;
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The state changed under the caller (revision mismatch, duplicate id): 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** A lifecycle action that the campaign's state does not allow: 409 with the actions that are allowed. */
export class TransitionRefusedError extends Error {
  override readonly name = 'TransitionRefusedError';
  readonly state: string;
  readonly allowed: readonly string[];
  constructor(message: string, state: string, allowed: readonly string[]) {
    super(message);
    this.state = state;
    this.allowed = allowed;
  }
}

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Turns zod issues into `path: message` pairs a person can act on. */
export function issuesFrom(zodIssues: readonly { path: readonly PropertyKey[]; message: string }[]): Issue[] {
  return zodIssues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
