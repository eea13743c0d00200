import { readdir } from 'node:fs/promises';

export class UnknownSuiteError extends Error {
  override name = 'UnknownSuiteError';
}

/** Suite names (file names without `.ts`) in a directory, alphabetically; test files and helpers (`_x.ts`) excluded. */
export async function listSuites(dir: string): Promise<string[]> {
  const files = await readdir(dir);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

/**
 * The suites to run: all of them when none is requested, otherwise the requested ones in the order given (each once).
 * Throws `UnknownSuiteError` naming the unknown suites and the available ones.
 */
export function selectSuites(available: readonly string[], requested: readonly string[]): string[] {
  if (requested.length === 0) return [...available];
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new UnknownSuiteError(`unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  }
  return [...new Set(requested)];
}
