import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { RejectedRow } from '#shared/domain/intake/classify';
import type { RejectSink } from '#shared/ports/list-intake';

/**
 * Writes rejected rows as CSV (`row,raw,reason`, UTF-8 with BOM so Excel shows Chinese text) to any writable: a
 * file, or an S3 upload stream. Waits for the output to drain, so a slow destination slows intake instead of
 * buffering rows in memory.
 */
export function rejectsCsvSink(output: Writable): RejectSink {
  const csv = stringify({ header: true, columns: ['row', 'raw', 'reason'], bom: true });
  csv.pipe(output);
  const done = finished(output);
  done.catch(() => {});
  return {
    async write(rows: readonly RejectedRow[]): Promise<void> {
      for (const r of rows) {
        if (!csv.write([r.row, neutralizeFormula(r.raw), r.reason])) await Promise.race([once(csv, 'drain'), done]);
      }
    },
    async close(): Promise<void> {
      csv.end();
      await done;
    },
  };
}

/**
 * A rejected cell is shown back to the planner in Excel; one that starts like a formula (`=`, `+`, `-`, `@`, tab, CR)
 * would run as one. A leading apostrophe makes Excel show it as text (OWASP "CSV injection").
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
