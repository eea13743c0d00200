import {
  type AcceptedContact,
  type ClassifyOptions,
  type DuplicateReason,
  type IntakeSummary,
  isBlankRow,
  judgeCandidate,
  type NumberStatus,
  type RejectedRow,
  type RowVerdict,
  SummaryTally,
  type SuppressReason,
  screenRow,
} from '#shared/domain/intake/classify';
import { E164Set } from '#shared/domain/intake/e164-set';
import { ListFileError } from '#shared/domain/intake/errors';
import { type HeaderLayout, noPhoneColumn, resolveHeader } from '#shared/domain/intake/headers';
import type { ContactSink, NumberScreening, RejectSink, SpreadsheetReader } from '#shared/ports/list-intake';

/** One data row and the class it landed in. */
export type ClassifiedRow =
  | { class: 'accepted'; contact: AcceptedContact }
  | { class: 'rejected'; reject: RejectedRow }
  | { class: 'duplicate'; row: number; e164: string; reason: DuplicateReason }
  | { class: 'suppressed'; row: number; e164: string; reason: SuppressReason };

export interface ClassifyListInput extends ClassifyOptions {
  /** The file's bytes, e.g. an S3 object body or a file read stream. */
  bytes: AsyncIterable<Uint8Array>;
  reader: SpreadsheetReader;
  /** Absent offline (`outcall lists check`): then only in-file duplicates are found and nothing is suppressed. */
  screening?: NumberScreening;
  /** Rows per yielded batch. Default 100: small batches die young, which keeps the heap (and RSS) small. */
  batchSize?: number;
  /** Milliseconds from an arbitrary origin, for `durationMs`. Default `performance.now`. */
  now?: () => number;
}

/** Planners often put a title row or two above the header; this many non-blank rows are searched for it. */
export const HEADER_SEARCH_ROWS = 10;

/**
 * Reads a list file once, front to back, and yields its data rows classified, in batches and in file order. The
 * generator's return value is the summary. Memory stays flat: one batch of rows is held at a time, the reader pulls
 * bytes only as batches are consumed, and the set of numbers seen (for in-file duplicates) is a compact typed-array
 * hash set.
 *
 * Throws `ListFileError` when the file cannot be read as a list (empty, not a spreadsheet, no phone column, …).
 */
export async function* classifyList(input: ClassifyListInput): AsyncGenerator<ClassifiedRow[], IntakeSummary> {
  const now = input.now ?? (() => performance.now());
  const started = now();
  const batchSize = input.batchSize ?? 100;
  const sheet = await input.reader.open(input.bytes);
  const tally = new SummaryTally();
  const seen = new E164Set();
  let layout: HeaderLayout | undefined;
  let nonBlankBeforeHeader = 0;
  let pending: RowVerdict[] = [];

  for await (const sheetRow of sheet.rows) {
    if (isBlankRow(sheetRow.cells)) {
      if (layout) tally.blankRows++;
      continue;
    }
    if (!layout) {
      layout = resolveHeader(sheetRow.cells);
      if (!layout && ++nonBlankBeforeHeader >= HEADER_SEARCH_ROWS) throw noPhoneColumn();
      continue;
    }
    pending.push(screenRow(sheetRow.cells, sheetRow.row, layout, input));
    if (pending.length >= batchSize) {
      yield await settle(pending, seen, tally, input.screening);
      pending = [];
    }
  }
  if (!layout) {
    if (nonBlankBeforeHeader === 0) throw new ListFileError('empty_file', 'the file has no rows');
    throw noPhoneColumn();
  }
  if (pending.length > 0) yield await settle(pending, seen, tally, input.screening);
  return tally.summary({
    encoding: sheet.encoding,
    format: sheet.format,
    headerMap: layout.headerMap,
    durationMs: Math.max(0, Math.round(now() - started)),
  });
}

// In-file duplicates are decided in file order before the port is asked, so the first occurrence of a number is
// the one that is judged (and possibly accepted) and the port only sees each number once.
async function settle(
  verdicts: readonly RowVerdict[],
  seen: E164Set,
  tally: SummaryTally,
  screening: NumberScreening | undefined,
): Promise<ClassifiedRow[]> {
  const firstSeen = verdicts.map((v) => v.kind === 'candidate' && seen.add(v.contact.e164));
  const statuses = screening
    ? await screen(
        verdicts.flatMap((v, i) => (v.kind === 'candidate' && firstSeen[i] ? [v.contact.e164] : [])),
        screening,
      )
    : undefined;
  return verdicts.map((verdict, i): ClassifiedRow => {
    if (verdict.kind === 'rejected') {
      tally.count(verdict.row.reason);
      return { class: 'rejected', reject: verdict.row };
    }
    const { contact } = verdict;
    if (!firstSeen[i]) {
      tally.count('duplicate_in_file');
      return { class: 'duplicate', row: contact.row, e164: contact.e164, reason: 'duplicate_in_file' };
    }
    const reason = judgeCandidate(statuses?.get(contact.e164));
    if (reason === 'duplicate_in_campaign') {
      tally.count(reason);
      return { class: 'duplicate', row: contact.row, e164: contact.e164, reason };
    }
    if (reason) {
      tally.count(reason);
      return { class: 'suppressed', row: contact.row, e164: contact.e164, reason };
    }
    tally.count('accepted');
    return { class: 'accepted', contact };
  });
}

async function screen(e164s: string[], screening: NumberScreening): Promise<Map<string, NumberStatus>> {
  const answer = new Map<string, NumberStatus>();
  const size = Math.max(1, screening.batchSize);
  for (let i = 0; i < e164s.length; i += size) {
    const part = await screening.checkNumbers(e164s.slice(i, i + size));
    for (const [k, v] of part) answer.set(k, v);
  }
  return answer;
}

export interface RunIntakeInput extends ClassifyListInput {
  contacts?: ContactSink;
  rejects?: RejectSink;
}

/**
 * Runs `classifyList` to the end, handing accepted contacts and rejected rows to their sinks batch by batch (each
 * write is awaited: a slow sink slows reading). The caller closes the sinks. Returns the summary.
 */
export async function runIntake(input: RunIntakeInput): Promise<IntakeSummary> {
  const rows = classifyList(input);
  for (;;) {
    const next = await rows.next();
    if (next.done) return next.value;
    if (input.contacts) {
      const accepted = next.value.flatMap((r) => (r.class === 'accepted' ? [r.contact] : []));
      if (accepted.length > 0) await input.contacts.write(accepted);
    }
    if (input.rejects) {
      const rejected = next.value.flatMap((r) => (r.class === 'rejected' ? [r.reject] : []));
      if (rejected.length > 0) await input.rejects.write(rejected);
    }
  }
}
