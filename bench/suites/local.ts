import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

/**
 * The local stack (`npm start`):
 * - `local.demoSeconds`: wall time of `npm start -- --once` as a child process (stand-ins' start, the whole demo
 *   scenario, out/summary.json, shutdown);
 * - `local.simulatedCallsPerSec`: calls the whole local pipeline absorbs per wall second at full acceleration — the
 *   dispatcher dialing through the connect-sim, the call floor, and every contact record, contact event, call-start
 *   and disposition through the outcome handlers into DynamoDB Local — for a launched campaign dialing 100 a minute
 *   to 40 simulated agents, from the first tick until the floor has nothing left in flight.
 */
export const goals: Goals = {
  'local.demoSeconds': { max: 180 },
};

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  ctx.log('running npm start -- --once');
  const demoSeconds = await timeDemo(ctx);
  ctx.log(`demo: ${demoSeconds.toFixed(1)} s; measuring the pipeline at full acceleration`);
  const callsPerSec = await pipelineThroughput(ctx);
  return { 'local.demoSeconds': demoSeconds, 'local.simulatedCallsPerSec': callsPerSec };
}

async function timeDemo(ctx: SuiteContext): Promise<number> {
  const started = performance.now();
  const tsx = join(ctx.rootDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(ctx.nodeBin, [tsx, 'infra/local/start.ts', '--once'], {
      cwd: ctx.rootDir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      if (exitCode !== 0) reject(new Error(`npm start --once exited ${exitCode}\n${stderr}`));
      else resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error('demo failed');
  return (performance.now() - started) / 1000;
}

async function pipelineThroughput(ctx: SuiteContext): Promise<number> {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { startLocalStack } = await import('#infra/local/stack');
  const agents = Array.from({ length: 40 }, (_, i) => ({
    id: `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `agent ${i}`,
    email: `bench${i}@example.com`,
    team: { id: 'team-bench', name: 'bench' },
  }));
  const stack = await startLocalStack({
    start: new Date('2027-03-01T01:00:00.000Z'), // Monday 09:00 in Shanghai
    agents,
    tickMinutes: 1,
    floor: { eventTypes: ['CONNECTED_TO_AGENT', 'DISCONNECTED'], talkSeconds: { min: 30, max: 90 } },
  });
  try {
    await stack.syncRoster();
    const headers = { 'content-type': 'application/json', 'x-outcall-user': 'bench', 'x-outcall-roles': 'planner' };
    const spec = parseYaml(readFileSync(join(ctx.rootDir, 'examples', 'campaign.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const created = await fetch(`${stack.api.url}/campaigns`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...spec, pacing: { dialsPerMinute: 100 } }),
    });
    if (created.status !== 201) throw new Error(`campaign not created: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    await stack.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: `lists/${id}/bench.csv`,
        Body: readFileSync(join(ctx.rootDir, 'examples', 'list.csv')),
      }),
    );
    await stack.deliverIntake();
    const launched = await fetch(`${stack.api.url}/campaigns/${id}/transitions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'launch', skipPilot: true, reason: 'bench' }),
    });
    if (launched.status !== 200) throw new Error(`launch refused: ${launched.status} ${await launched.text()}`);

    const started = performance.now();
    for (let minute = 0; minute < 10; minute++) {
      await stack.runMinute();
      stack.clock.advanceMinutes(1);
    }
    // No more dialing: let the calls in flight end and their outcomes come in.
    await fetch(`${stack.api.url}/campaigns/${id}/transitions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'pause', reason: 'bench' }),
    });
    while (stack.floor.inFlight > 0) {
      stack.clock.advanceMinutes(1);
      await stack.settle();
    }
    const seconds = (performance.now() - started) / 1000;
    if (stack.failures.length > 0) throw new Error(`pipeline failures: ${JSON.stringify(stack.failures.slice(0, 3))}`);
    const calls = stack.floor.tally.dials;
    if (calls < 500) throw new Error(`only ${calls} calls were placed`);
    ctx.log(`${calls} calls in ${seconds.toFixed(1)} s`);
    return calls / seconds;
  } finally {
    await stack.stop();
  }
}
