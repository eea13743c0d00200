import { spawn } from 'node:child_process';

export class ChildProcessFailedError extends Error {
  override name = 'ChildProcessFailedError';
}

export interface TimedRun {
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
}

/**
 * Runs a command to completion and returns its wall time. A non-zero exit (or a signal) throws
 * `ChildProcessFailedError` with the tail of stderr: a process that fails is never a timing.
 */
export function timeChild(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ ms });
      else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new ChildProcessFailedError(`${command} ${args.join(' ')} failed with ${how}: ${stderr.trim()}`));
      }
    });
  });
}
