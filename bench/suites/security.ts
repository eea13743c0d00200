/**
 * The integration flows that touch personal data (intake, dialing, outcomes, reports, orders, subject requests) run
 * with log capture, and the end-of-run scan (test/integration/privacy-log-scan.ts) read back:
 * - security.logPiiHits: captured lines with a phone number or a test-list name (goal 0);
 * - security.logLinesScanned: lines scanned, at DEBUG level (a scan of almost nothing proves nothing: fewer than
 *   MIN_LINES fails the suite);
 * - security.canaryFlagged: 1 when the planted canary line was captured and flagged (else the suite fails).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';
import { runVitest } from './_vitest-child.ts';

export const goals: Goals = { 'security.logPiiHits': { max: 0 }, 'security.canaryFlagged': { min: 1 } };

/** Fewer captured lines than this from the flows below means the capture or the logger was off. */
const MIN_LINES = 40;

const FLOWS = [
  'test/integration/intake.test.ts',
  'test/integration/dialing/dispatch.test.ts',
  'test/integration/outcomes.test.ts',
  'test/integration/reports.test.ts',
  'test/integration/orders.test.ts',
  'test/integration/privacy-subjects.test.ts',
  'test/integration/privacy-logs.test.ts',
];

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const flows = FLOWS.filter((f) => existsSync(join(ctx.rootDir, f)));
  ctx.log(`running ${flows.length} integration files with log capture…`);
  // The most verbose level, and metrics on, whatever this process was left with (the local suite quiets the
  // logger for its own run): a scan of a quieted run would prove nothing about the lines a deployment writes.
  const result = await runVitest(ctx, flows, { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' });
  const line = /log privacy scan: .*\((\/[^)]+)\)/.exec(result.stderr + result.stdout);
  if (!line?.[1]) throw new Error(`no log privacy scan ran (exit ${result.code}):\n${result.stderr.slice(-2_000)}`);
  const scan = JSON.parse(readFileSync(join(line[1], 'scan.json'), 'utf8')) as {
    lines: number;
    hits: { reason: string; line: string }[];
    canariesSeen: number;
    canariesFlagged: number;
  };
  for (const hit of scan.hits.slice(0, 5)) ctx.log(`PII in a log line [${hit.reason}]`);
  // The seven flows write about sixty lines at DEBUG (ids and counts only); a handful means the capture or the
  // logger was switched off.
  if (scan.lines < MIN_LINES) {
    throw new Error(`the log capture saw ${scan.lines} line(s), fewer than ${MIN_LINES}: the measurement is broken`);
  }
  if (scan.canariesSeen === 0) throw new Error('the planted canary was not captured: the measurement is broken');
  return {
    'security.logPiiHits': scan.hits.length,
    'security.logLinesScanned': scan.lines,
    'security.canaryFlagged': scan.canariesFlagged === scan.canariesSeen ? 1 : 0,
  };
}
