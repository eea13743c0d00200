import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * What counts as personal data in a log line (docs/security.md): an E.164 number, a Chinese mobile number written
 * without its country code, or the name of a person from the test lists. Used by the integration run's log scan
 * (privacy-log-scan.ts) and by the bench's security suite.
 */

/** Marks the line a test plants on purpose; the scan must find it (capture works) and flag it (detection works). */
export const CANARY = 'PII-CANARY';

const E164 = /\+[1-9]\d{7,14}(?!\d)/;
// Bounded by anything but letters and digits: generated ids (hex list ids, message ids) hold digit runs that look
// like a mobile number inside a longer token, and a real number in a log line stands on its own.
const CN_MOBILE = /(?<![\dA-Za-z.])1[3-9]\d{9}(?![\dA-Za-z.])/;
// Intake tests name their customers 客户1, 客户2, …
const PLACEHOLDER_NAME = /客户\d+/;
// Person names written in the integration tests' own seeds.
const SEED_NAMES = ['张三', '李四', '王五', '张伟', '王先生', 'Zhang, San'];

export interface PiiHit {
  file: string;
  line: string;
  reason: string;
}

/** Person names from the call lists the tests and demos use (姓名 / Name columns). */
export function testListNames(root: string): string[] {
  const names = new Set(SEED_NAMES);
  const files = [join(root, 'examples/list.csv')];
  const fixtures = join(root, 'test/fixtures/lists');
  if (existsSync(fixtures)) {
    for (const f of readdirSync(fixtures)) if (f.endsWith('.csv')) files.push(join(fixtures, f));
  }
  for (const file of files) {
    if (!existsSync(file)) continue;
    let rows: Record<string, string>[];
    try {
      rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true, relax_column_count: true });
    } catch {
      continue;
    }
    for (const row of rows) {
      const name = (row.姓名 ?? row.Name ?? row.name ?? '').trim();
      // One-character cells are initials or noise and would match everywhere.
      if (name.length >= 2) names.add(name);
    }
  }
  return [...names];
}

/** A line's reason for being personal data, or undefined. */
export function piiReason(line: string, names: ReadonlySet<string> | readonly string[]): string | undefined {
  if (E164.test(line)) return 'E.164 number';
  if (CN_MOBILE.test(line)) return 'mobile number';
  if (PLACEHOLDER_NAME.test(line)) return 'test-list name';
  for (const name of names) if (containsName(line, name)) return 'test-list name';
  return undefined;
}

/**
 * A name written in Latin letters must stand on its own: the fixture name "Li" is inside every "Limit" (a scenario
 * named after Connect's BufferLimitExceeded failed a run). Chinese names have no word boundaries and match anywhere.
 */
function containsName(line: string, name: string): boolean {
  if (!/^[A-Za-z][A-Za-z ,.'-]*$/.test(name)) return line.includes(name);
  let at = line.indexOf(name);
  while (at >= 0) {
    const before = line[at - 1] ?? '';
    const after = line[at + name.length] ?? '';
    if (!/[A-Za-z]/.test(before) && !/[A-Za-z]/.test(after)) return true;
    at = line.indexOf(name, at + 1);
  }
  return false;
}

export interface ScanResult {
  files: number;
  lines: number;
  hits: PiiHit[];
  /** Planted canary lines seen, and how many of them the detector flagged. */
  canariesSeen: number;
  canariesFlagged: number;
}

/** Scans every capture file in `dir`. Canary lines are counted apart and never reported as hits. */
export function scanCaptureDir(dir: string, names: readonly string[]): ScanResult {
  const nameSet = new Set(names);
  const result: ScanResult = { files: 0, lines: 0, hits: [], canariesSeen: 0, canariesFlagged: 0 };
  if (!existsSync(dir)) return result;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.log')) continue;
    result.files++;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '') continue;
      result.lines++;
      const reason = piiReason(line, nameSet);
      if (line.includes(CANARY)) {
        result.canariesSeen++;
        if (reason) result.canariesFlagged++;
      } else if (reason) {
        result.hits.push({ file, line: line.slice(0, 300), reason });
      }
    }
  }
  return result;
}
