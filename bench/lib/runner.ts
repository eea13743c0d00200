import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluate, formatTable, mergeResults, type ResultRow } from './results.ts';
import { asSuiteModule, checkSuiteResult, type Goals, type SuiteResult } from './suite.ts';

export interface RunOptions {
  rootDir: string;
  suitesDir: string;
  suites: readonly string[];
  resultsFile: string;
  nodeBin: string;
  log: (message: string) => void;
}

export interface RunReport {
  rows: ResultRow[];
  failed: Map<string, string>;
  table: string;
  /** True when a suite failed or a fresh result misses its goal. */
  failing: boolean;
}

/** Reads bench-results.json; a missing file is an empty record, a corrupt one is an error (never silently dropped). */
export async function readResults(file: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return checkSuiteResultShape(JSON.parse(text));
}

function checkSuiteResultShape(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('bench-results.json must hold a flat object of numbers');
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'number') throw new TypeError(`bench-results.json: "${key}" is not a number`);
  }
  return value as Record<string, number>;
}

/**
 * Runs the named suites one after another (a failing suite does not stop the others), merges their results into the
 * results file and returns the table of what ran. Only fresh keys are judged: stale keys of suites that did not run
 * stay in the file but are not re-reported.
 */
export async function runSuites(options: RunOptions): Promise<RunReport> {
  const fresh = new Map<string, SuiteResult>();
  const failed = new Map<string, string>();
  const goals: Goals = {};
  for (const name of options.suites) {
    const started = performance.now();
    options.log(`bench: running ${name}`);
    try {
      const mod = asSuiteModule(name, await import(pathToFileURL(join(options.suitesDir, `${name}.ts`)).href));
      Object.assign(goals, mod.goals);
      const workDir = join(options.rootDir, '.bench', name);
      await mkdir(workDir, { recursive: true });
      const result = await mod.default({
        name,
        rootDir: options.rootDir,
        workDir,
        nodeBin: options.nodeBin,
        log: options.log,
      });
      fresh.set(name, checkSuiteResult(name, result));
      options.log(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.set(name, message.split('\n')[0] ?? message);
      options.log(`bench: ${name} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
    }
  }
  const merged = mergeResults(await readResults(options.resultsFile), fresh);
  await writeFile(options.resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
  const freshValues = Object.assign({}, ...fresh.values()) as Record<string, number>;
  const rows = evaluate(freshValues, goals);
  return {
    rows,
    failed,
    table: formatTable(rows, failed),
    failing: failed.size > 0 || rows.some((r) => r.verdict === 'fail'),
  };
}
