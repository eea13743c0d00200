/**
 * `npm start`: the whole operation on one machine — DynamoDB Local, S3 (s3rver), SES (aws-ses-v2-local) and a
 * simulated Amazon Connect — running the demo scenario (infra/local/scenario.ts). No AWS account, no Docker.
 *
 *   npm start                      run the demo, then keep the API and the inbox up until Ctrl-C
 *   npm start -- --once            (or CI=true) run the demo, write out/summary.json, exit 0
 *   npm start -- --serve           no demo: the stack and the API for manual use; the schedules run on a clock
 *                                  starting now (--speed N: N simulated minutes per real second; default 1/60,
 *                                  i.e. real time); writes .tmp/local-stack.json for `outcall lists upload`
 *   --port N                       API port (default $PORT or 3000; --once picks a free one)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    speed: { type: 'string' },
    days: { type: 'string' },
  },
  allowPositionals: false,
});
const once = args.once || process.env.CI === 'true';
const port = once ? 0 : Number(args.port ?? process.env.PORT ?? 3000);

// The SDK must never look for real credentials nor reach AWS from here; handler logs stay quiet unless asked for.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const STATE_FILE = new URL('../../.tmp/local-stack.json', import.meta.url).pathname;

const { runScenario, demoAgents } = await import('#infra/local/scenario');
const { startLocalStack } = await import('#infra/local/stack');

if (args.serve) await serve();
else await demo();

async function demo(): Promise<void> {
  try {
    const result = await runScenario({
      keep: !once,
      stack: { port },
      ...(args.days ? { days: Number(args.days) } : {}),
    });
    console.log(`outcall: demo done in ${result.wallSeconds.toFixed(1)} s (${result.minutesRun} simulated minutes)`);
    if (once) process.exit(0);
    writeState(result.stack);
    console.log(`outcall: still serving — API ${result.stack.api.url}, inbox ${result.inboxUrl}; Ctrl-C stops`);
    stopOnSignal(() => result.stack.stop());
  } catch (error) {
    console.error('outcall: the demo failed:', error);
    process.exit(1);
  }
}

async function serve(): Promise<void> {
  const stack = await startLocalStack({
    start: new Date(),
    agents: demoAgents(),
    port,
    onRequest: ({ method, path, statusCode, ms }) =>
      console.log(`  http   ${method} ${path} → ${statusCode} (${ms} ms)`),
  });
  await stack.syncRoster();
  writeState(stack);
  console.log(`outcall: serving — API ${stack.api.url}  inbox ${stack.ses.endpoint}  S3 ${stack.s3Local.endpoint}`);
  console.log(`  upload a list:  npm run outcall -- lists upload examples/list.csv --campaign <id>`);
  console.log('  try:   curl -s %s/campaigns -H "x-outcall-user: alice" -H "x-outcall-roles: planner"', stack.api.url);
  const speed = Number(args.speed ?? 1 / 60);
  let running = false;
  const timer = setInterval(
    () => {
      if (running) return;
      running = true;
      stack
        .runMinute()
        .then(() => stack.clock.advanceMinutes(1))
        .catch((error: unknown) => console.error('outcall: tick failed:', error))
        .finally(() => {
          running = false;
        });
    },
    Math.max(50, 1000 / speed),
  );
  stopOnSignal(async () => {
    clearInterval(timer);
    await stack.stop();
  });
}

function writeState(stack: Awaited<ReturnType<typeof startLocalStack>>): void {
  mkdirSync(new URL('../../.tmp/', import.meta.url).pathname, { recursive: true });
  writeFileSync(
    STATE_FILE,
    `${JSON.stringify(
      {
        pid: process.pid,
        api: stack.api.url,
        s3Endpoint: stack.s3Local.endpoint,
        bucket: stack.bucket,
        sesEndpoint: stack.ses.endpoint,
        dynamoDbEndpoint: stack.dynamo.endpoint,
        table: stack.names.main,
        connectEndpoint: stack.sim.endpoint,
      },
      null,
      2,
    )}\n`,
  );
}

function stopOnSignal(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\noutcall: ${signal}, stopping…`);
      rmSync(STATE_FILE, { force: true });
      void stop().then(() => process.exit(0));
    });
  }
}
