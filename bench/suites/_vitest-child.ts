import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs vitest on `files` of the integration project in a child process; resolves with its exit code and output. */
export function runVitest(
  ctx: { rootDir: string; nodeBin: string; log(message: string): void },
  files: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const vitest = join(ctx.rootDir, 'node_modules/vitest/vitest.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.nodeBin, [vitest, 'run', '--project', 'integration', ...files], {
      cwd: ctx.rootDir,
      env: { ...process.env, ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
