import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeChild } from './child-timing.ts';
import { median } from './stats.ts';

/**
 * Environment a deployed function sees, with dummy values: the bundle must import cleanly with it. Variables that
 * functions read fail-fast at import (table, bus, queue, bucket names...) are listed here; add new ones as they appear.
 */
export const LAMBDA_LIKE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHDUMMY',
  AWS_SECRET_ACCESS_KEY: 'bench-dummy-secret',
  AWS_SESSION_TOKEN: 'bench-dummy-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'outcall-bench',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/outcall-bench',
  AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
  LAMBDA_TASK_ROOT: '/var/task',
  TZ: ':UTC',
  POWERTOOLS_SERVICE_NAME: 'outcall',
  POWERTOOLS_METRICS_NAMESPACE: 'outcall',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  STAGE: 'bench',
  TABLE_NAME: 'outcall-bench-table',
  BUS_NAME: 'outcall-bench-bus',
  EVENT_BUS_NAME: 'outcall-bench-bus',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outcall-bench',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outcall-bench-dlq',
  BUCKET_NAME: 'outcall-bench-bucket',
  LIST_BUCKET_NAME: 'outcall-bench-lists',
  REPORT_BUCKET_NAME: 'outcall-bench-reports',
  SCHEDULE_GROUP_NAME: 'outcall-bench',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/outcall-bench-scheduler',
  SCHEDULER_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:outcall-bench',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:outcall-bench-dlq',
  FROM_EMAIL: 'bench@example.com',
  SENDER_EMAIL: 'bench@example.com',
  SES_SENDER: 'bench@example.com',
  MAIL_FROM: 'bench@example.com',
  MANAGER_EMAILS: 'manager@example.com',
  REPORTS_BUCKET: 'outcall-bench-reports',
  PHONE_KEY_SECRET: 'bench-dummy-phone-key-secret',
  CONNECT_INSTANCE_ID: '00000000-0000-0000-0000-000000000000',
  CONNECT_CAMPAIGN_ID: '00000000-0000-0000-0000-000000000000',
  PHONE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:outcall-bench',
  KMS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
};

/** Lambda-like environment for a child process: PATH and HOME from this process, everything else dummies. */
export function lambdaLikeEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...LAMBDA_LIKE_ENV, ...extra };
}

/**
 * The script that imports a bundle: it fails (exit 1) if the import throws or if `handler` is not a function, so a
 * broken bundle is never reported as a fast one.
 */
export function importScript(bundleUrl: string): string {
  return [
    `const m = await import(${JSON.stringify(bundleUrl)});`,
    `if (typeof m.handler !== 'function') { console.error('bundle does not export a handler function'); process.exit(1); }`,
  ].join('\n');
}

export interface ColdStart {
  baselineMs: number;
  importMs: number;
  ratio: number;
}

/**
 * Median wall time of a fresh `node --input-type=module -e "await import(bundle)"` divided by that of `node -e 0`,
 * sampled interleaved (baseline, bundle, baseline, bundle…) so that drift in machine load hits both sides alike.
 * The bundle is copied (with its map) into an empty temporary directory first, so nothing it forgot to bundle can be
 * found in the repository's node_modules. One unmeasured warm-up pair fills the OS file cache.
 */
export async function measureColdStart(
  nodeBin: string,
  bundlePath: string,
  options: { runs: number; env: NodeJS.ProcessEnv },
): Promise<ColdStart> {
  const dir = await mkdtemp(join(tmpdir(), 'outcall-bench-'));
  try {
    const copy = join(dir, basename(bundlePath));
    await copyFile(bundlePath, copy);
    await copyFile(`${bundlePath}.map`, `${copy}.map`).catch(() => undefined);
    const baselineArgs = ['-e', '0'];
    const importArgs = ['--input-type=module', '-e', importScript(pathToFileURL(copy).href)];
    const spawnOptions = { env: options.env, cwd: dir };
    await timeChild(nodeBin, baselineArgs, spawnOptions);
    await timeChild(nodeBin, importArgs, spawnOptions);
    const baseline: number[] = [];
    const imported: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      baseline.push((await timeChild(nodeBin, baselineArgs, spawnOptions)).ms);
      imported.push((await timeChild(nodeBin, importArgs, spawnOptions)).ms);
    }
    const baselineMs = median(baseline);
    const importMs = median(imported);
    return { baselineMs, importMs, ratio: importMs / baselineMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
