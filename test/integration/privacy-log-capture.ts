import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/**
 * Setup file of the integration project: copies everything a test worker writes — process.stdout/stderr (where the
 * Powertools logger writes) and console output (which vitest forwards elsewhere) — into one file per worker, which
 * privacy-log-scan.ts scans for personal data when the run ends. Output still reaches the terminal as before.
 */
const dir = process.env.OUTCALL_LOG_CAPTURE_DIR;
if (dir !== undefined && !(globalThis as { __outcallLogCapture?: boolean }).__outcallLogCapture) {
  (globalThis as { __outcallLogCapture?: boolean }).__outcallLogCapture = true;
  const file = join(dir, `worker-${process.pid}-${process.env.VITEST_POOL_ID ?? '0'}.log`);
  const save = (text: string) => {
    try {
      appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
    } catch {
      // A full disk must not fail the tests themselves; the scan then reports too few lines.
    }
  };
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      save(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      save(format(...args));
      original(...args);
    };
  }
}
