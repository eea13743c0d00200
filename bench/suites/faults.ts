/**
 * The fault-injection suite (test/integration/faults) run as a child vitest, every test file's table read back:
 * - faults.scenarios: scenarios played (outcomes, dialing, intake and report mail under faults, each against the
 *   stand-ins: DynamoDB Local, the Connect simulator, s3rver, the SES stand-in); dialing includes Connect throttling,
 *   server errors (InternalServerException) and answers lost to a socket timeout after the dials were placed. The goal
 *   is the number the suite holds, so a scenario dropped or no longer reporting shows;
 * - faults.lostContacts, faults.duplicateAttempts, faults.lostOutcomes: summed over the scenarios (goal 0);
 * - faults.lostMails, faults.duplicateMails: mails owed (per message and recipient) never sent, or sent twice (goal 0).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';
import { runVitest } from './_vitest-child.ts';

export const goals: Goals = {
  'faults.scenarios': { min: 25 },
  'faults.lostContacts': { max: 0 },
  'faults.duplicateAttempts': { max: 0 },
  'faults.lostOutcomes': { max: 0 },
  'faults.lostMails': { max: 0 },
  'faults.duplicateMails': { max: 0 },
};

/** test/integration/faults/report.ts FaultRow, as written to JSON. */
interface Row {
  scenario: string;
  contactsIn: number;
  contactsLost: number;
  attemptsDuplicated: number;
  outcomesLost: number;
  mailsLost: number;
  mailsDuplicated: number;
  faultsInjected: number;
}

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const dir = join(ctx.workDir, 'faults');
  rmSync(dir, { recursive: true, force: true });
  ctx.log('running test/integration/faults on the local stand-ins…');
  const result = await runVitest(ctx, ['test/integration/faults'], { OUTCALL_FAULTS_REPORT_DIR: dir });
  // A failing scenario still writes its row: the figures say what went wrong, the exit code alone would not.
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) {
    throw new Error(`the fault suite wrote no report (exit ${result.code}):\n${result.stderr.slice(-2_000)}`);
  }
  if (result.code !== 0) ctx.log(`the fault suite failed (exit ${result.code}); its rows follow`);
  const rows = files.sort().flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Row[]);
  for (const r of rows) {
    ctx.log(
      `${r.scenario}: ${r.contactsIn} in, ${r.contactsLost} lost, ${r.attemptsDuplicated} dup, ` +
        `${r.outcomesLost} lost outcomes, ${r.mailsLost ?? 0} lost mails, ${r.mailsDuplicated ?? 0} dup mails, ` +
        `${r.faultsInjected} faults`,
    );
  }
  const sum = (k: keyof Row) => rows.reduce((n, r) => n + Number(r[k] ?? 0), 0);
  return {
    'faults.scenarios': rows.length,
    'faults.files': files.length,
    'faults.contactsIn': sum('contactsIn'),
    'faults.lostContacts': sum('contactsLost'),
    'faults.duplicateAttempts': sum('attemptsDuplicated'),
    'faults.lostOutcomes': sum('outcomesLost'),
    'faults.lostMails': sum('mailsLost'),
    'faults.duplicateMails': sum('mailsDuplicated'),
    'faults.injected': sum('faultsInjected'),
  };
}
