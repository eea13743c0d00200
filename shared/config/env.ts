/** A required environment variable is missing or empty; the message names it so a deploy fails with a clear cause. */
export class MissingEnvironmentVariableError extends Error {
  override readonly name = 'MissingEnvironmentVariableError';
  readonly variable: string;
  constructor(variable: string) {
    super(`environment variable ${variable} is required but not set`);
    this.variable = variable;
  }
}

/**
 * Reads a required environment variable, throwing `MissingEnvironmentVariableError` (naming it) when it is absent or
 * blank. `env` defaults to `process.env`; tests pass their own record.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentVariableError(name);
  return value;
}

/** Reads an optional environment variable; blank counts as absent so `FOO=` in a .env file means "not set". */
export function optionalEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
