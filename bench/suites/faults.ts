/**
 * The fault-injection suite (test/integration/faults) run as a child vitest, its table read back:
 * - faults.scenarios: scenarios played (each over every outcome scenario on DynamoDB Local);
 * - faults.lostContacts, faults.duplicateAttempts, faults.lostOutcomes: summed over the scenarios (goal 0).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';
import { runVitest } from './_vitest-child.ts';

export const goals: Goals = {
  'faults.scenarios': { min: 8 },
  'faults.lostContacts': { max: 0 },
  'faults.duplicateAttempts': { max: 0 },
  'faults.lostOutcomes': { max: 0 },
};

interface Row {
  scenario: string;
  contactsIn: number;
  contactsLost: number;
  attemptsDuplicated: number;
  outcomesLost: number;
}

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const report = join(ctx.workDir, 'faults.json');
  rmSync(report, { force: true });
  ctx.log('running test/integration/faults on DynamoDB Local…');
  const result = await runVitest(ctx, ['test/integration/faults'], { OUTCALL_FAULTS_REPORT: report });
  // A failing scenario still writes its row: the figures say what went wrong, the exit code alone would not.
  if (!existsSync(report)) {
    throw new Error(`the fault suite wrote no report (exit ${result.code}):\n${result.stderr.slice(-2_000)}`);
  }
  const rows = JSON.parse(readFileSync(report, 'utf8')) as Row[];
  for (const r of rows) {
    ctx.log(
      `${r.scenario}: ${r.contactsIn} in, ${r.contactsLost} lost, ${r.attemptsDuplicated} dup, ${r.outcomesLost} lost outcomes`,
    );
  }
  const sum = (k: keyof Row) => rows.reduce((n, r) => n + Number(r[k]), 0);
  return {
    'faults.scenarios': rows.length,
    'faults.contactsIn': sum('contactsIn'),
    'faults.lostContacts': sum('contactsLost'),
    'faults.duplicateAttempts': sum('attemptsDuplicated'),
    'faults.lostOutcomes': sum('outcomesLost'),
  };
}
