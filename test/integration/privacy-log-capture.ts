import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/**
 * Setup file of the integration project: copies everything a test worker writes — process.stdout/stderr (where the
 * Powertools logger writes) and console output (which vitest forwards elsewhere) — into one file per worker, which
 * privacy-log-scan.ts scans for personal data when the run ends. Output still reaches the terminal as before.
 */
const dir = process.env.OUTCALL_LOG_CAPTURE_DIR;
// A worker process runs many test files: the streams stay patched across them (marked so as not to patch twice),
// while vitest gives each file a fresh console, which is patched again here.
const PATCHED = Symbol.for('outcall.logCapture');
type Marked = { [PATCHED]?: boolean };

if (dir !== undefined) {
  const file = join(dir, `worker-${process.pid}-${process.env.VITEST_POOL_ID ?? '0'}.log`);
  const save = (text: string) => {
    try {
      appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
    } catch {
      // A full disk must not fail the tests themselves; the scan then reports too few lines.
    }
  };
  for (const stream of [process.stdout, process.stderr]) {
    if ((stream as Marked)[PATCHED]) continue;
    (stream as Marked)[PATCHED] = true;
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      save(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  if (!(console as Marked)[PATCHED]) {
    (console as Marked)[PATCHED] = true;
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method].bind(console);
      console[method] = (...args: unknown[]) => {
        save(format(...args));
        original(...args);
      };
    }
  }
}
