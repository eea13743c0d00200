import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * One fault scenario's account. Every count is measured against a fault-free reference or the stand-ins' own record
 * (what Amazon Connect placed, what SES received), never taken from the code under test's own report.
 */
export interface FaultRow {
  scenario: string;
  contactsIn: number;
  /** Contacts the run lost: never dialed, never loaded, or left in a state the reference does not reach. */
  contactsLost: number;
  /** A contact dialed twice, a contact written twice, or a counter above the reference. */
  attemptsDuplicated: number;
  /** An outcome, a dial's confirmation or a counter missing against the reference. */
  outcomesLost: number;
  /** Mails owed (one per message and recipient) that never reached the SES stand-in. */
  mailsLost: number;
  /** Mails the SES stand-in received more than once. */
  mailsDuplicated: number;
  faultsInjected: number;
}

export const emptyRow = (scenario: string): FaultRow => ({
  scenario,
  contactsIn: 0,
  contactsLost: 0,
  attemptsDuplicated: 0,
  outcomesLost: 0,
  mailsLost: 0,
  mailsDuplicated: 0,
  faultsInjected: 0,
});

const COLUMNS: [keyof FaultRow, string][] = [
  ['scenario', 'scenario'],
  ['contactsIn', 'contacts in'],
  ['contactsLost', 'contacts lost'],
  ['attemptsDuplicated', 'attempts duplicated'],
  ['outcomesLost', 'outcomes lost'],
  ['mailsLost', 'mails lost'],
  ['mailsDuplicated', 'mails duplicated'],
  ['faultsInjected', 'faults'],
];

/**
 * The rows of one test file: printed as a table when the file ends, and written to
 * `$OUTCALL_FAULTS_REPORT_DIR/<name>.json` for bench/suites/faults.ts, which sums every file's rows.
 */
export function faultReport(name: string): FaultRow[] {
  const rows: FaultRow[] = [];
  afterAll(() => {
    const lines = rows.map((r) => COLUMNS.map(([k]) => r[k]).join(' | '));
    process.stdout.write(`\n${COLUMNS.map(([, title]) => title).join(' | ')}\n${lines.join('\n')}\n`);
    const dir = process.env.OUTCALL_FAULTS_REPORT_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(rows, null, 2));
    }
  });
  return rows;
}
