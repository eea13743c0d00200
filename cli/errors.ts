/**
 * A problem with how the CLI was invoked or with reading its input (missing file, bad option value). `main` prints
 * its message as one line and exits with code 2; no stack trace is shown.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
