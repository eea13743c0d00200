/**
 * `npm run bench [-- suite...]`: runs bench/suites/*.ts (or the named ones), merges their figures into
 * bench-results.json and prints key, value, goal and verdict. See bench/README.md for the suite contract.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSuites, selectSuites, UnknownSuiteError } from './lib/discover.ts';
import { runSuites } from './lib/runner.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);
const suitesDir = join(benchDir, 'suites');

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
let suites: string[];
try {
  suites = selectSuites(await listSuites(suitesDir), requested);
} catch (error) {
  if (!(error instanceof UnknownSuiteError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
const report = await runSuites({
  rootDir,
  suitesDir,
  suites,
  resultsFile: join(rootDir, 'bench-results.json'),
  nodeBin: process.execPath,
  log: (message) => console.error(message),
});
console.log(report.table);
if (report.failing) {
  const missed = report.rows.filter((r) => r.verdict === 'fail').length;
  console.error(`bench: ${report.failed.size} suite(s) failed, ${missed} goal(s) missed`);
  process.exitCode = 1;
}
