import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanCaptureDir, testListNames } from '#test/integration/privacy-pii';

/**
 * Global setup of the integration project: gives the workers a capture directory (privacy-log-capture.ts) and, when
 * the run ends, scans what they wrote. The run fails (vitest exits non-zero) when a line holds a phone number or a
 * test-list name, and also when the planted canary line of privacy-logs.test.ts was not captured or not flagged:
 * a scan that sees nothing, or detects nothing, must not pass. Only a run that included privacy-logs.test.ts is
 * held to the canary rule (a single other file run alone is scanned for hits only).
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'outcall-logs-'));
  process.env.OUTCALL_LOG_CAPTURE_DIR = dir;
  return () => {
    const result = scanCaptureDir(dir, testListNames(resolve('.')));
    // Beside the captures (several runs may share the machine); the summary line names the directory.
    writeFileSync(join(dir, 'scan.json'), JSON.stringify(result, null, 2));
    process.stderr.write(
      `log privacy scan: ${result.lines} lines in ${result.files} files, ${result.hits.length} with personal data, ` +
        `canary ${result.canariesFlagged}/${result.canariesSeen} flagged (${dir})\n`,
    );
    const problems: string[] = [];
    if (result.hits.length > 0) {
      problems.push(
        `${result.hits.length} log line(s) hold personal data, e.g.:\n${result.hits
          .slice(0, 5)
          .map((h) => `  [${h.reason}] ${h.file}: ${h.line}`)
          .join('\n')}`,
      );
    }
    if (result.canariesSeen > 0) {
      if (result.canariesFlagged < result.canariesSeen) {
        problems.push('the planted PII canary was captured but not flagged: the PII detector is broken');
      }
    }
    if (problems.length > 0) throw new Error(`log privacy scan failed:\n${problems.join('\n')}`);
  };
}
