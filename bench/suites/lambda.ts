/**
 * Lambda bundle size and import cost. Builds every functions/** handler with the CDK construct's esbuild options and
 * measures, per function, the minified size and the cold-start ratio (fresh import vs. an empty Node process).
 */
import { join } from 'node:path';
import { buildBundles, findLambdaEntries } from '../lib/bundles.ts';
import { loadBundlingOptions } from '../lib/bundling-options.ts';
import { lambdaLikeEnv, measureColdStart } from '../lib/cold-start.ts';
import { round } from '../lib/stats.ts';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

/** Medians of this many interleaved pairs; five keeps the suite under a minute with a handful of functions. */
const RUNS = 5;

export const goals: Goals = {
  'lambda.maxBundleKb': { max: 600 },
  'lambda.bundleKb.*': { max: 600 },
  'lambda.maxColdStartRatio': { max: 2 },
  'lambda.coldStartRatio.*': { max: 2 },
};

export class BundleImportFailedError extends Error {
  override name = 'BundleImportFailedError';
}

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const entries = await findLambdaEntries(join(ctx.rootDir, 'functions'));
  if (entries.length === 0) throw new Error('no Lambda entry (functions/**/*.ts exporting `handler`) found');
  const options = await loadBundlingOptions();
  const bundles = await buildBundles(entries, options, join(ctx.rootDir, '.bench', 'bundles'), ctx.rootDir);

  const result: SuiteResult = {};
  const failures: string[] = [];
  let maxKb = 0;
  let maxRatio = 0;
  for (const bundle of bundles) {
    const kb = round(bundle.bytes / 1024, 1);
    result[`lambda.bundleKb.${bundle.name}`] = kb;
    maxKb = Math.max(maxKb, kb);
    try {
      const cold = await measureColdStart(ctx.nodeBin, bundle.outfile, { runs: RUNS, env: lambdaLikeEnv() });
      const ratio = round(cold.ratio, 2);
      result[`lambda.coldStartRatio.${bundle.name}`] = ratio;
      // The two medians behind the ratio, so that a ratio moved by machine load can be told from one moved by code.
      result[`lambda.importMs.${bundle.name}`] = round(cold.importMs, 1);
      result[`lambda.baselineMs.${bundle.name}`] = round(cold.baselineMs, 1);
      maxRatio = Math.max(maxRatio, ratio);
      ctx.log(
        `lambda: ${bundle.name} ${kb} KB, import ${cold.importMs.toFixed(1)} ms vs node -e 0 ${cold.baselineMs.toFixed(1)} ms → ${ratio}`,
      );
    } catch (error) {
      failures.push(`${bundle.name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new BundleImportFailedError(`bundle(s) failed to import: ${failures.join('; ')}`);
  }
  result['lambda.maxBundleKb'] = maxKb;
  result['lambda.maxColdStartRatio'] = maxRatio;
  Object.assign(result, await measureReferences(ctx, options));
  return result;
}

/**
 * Reference bundles built and measured the same way (bench/reference/): the DynamoDB document client alone — the floor
 * under every function that touches the table — and the issue's "plain" stack (document client, Powertools logger and
 * metrics, middy, zod), alone and with the Powertools Tracer. They are not functions and count in no maximum; they say
 * how far the goals are reachable and what SDK-level tracing would cost.
 */
async function measureReferences(ctx: SuiteContext, options: Awaited<ReturnType<typeof loadBundlingOptions>>) {
  const refs = [
    { name: 'dynamodbClientOnly', file: join(ctx.rootDir, 'bench', 'reference', 'dynamodb-client.ts') },
    { name: 'plainStack', file: join(ctx.rootDir, 'bench', 'reference', 'plain-stack.ts') },
    { name: 'plainStackTraced', file: join(ctx.rootDir, 'bench', 'reference', 'plain-stack-traced.ts') },
  ];
  const built = await buildBundles(refs, options, join(ctx.rootDir, '.bench', 'reference'), ctx.rootDir);
  const result: SuiteResult = {};
  for (const bundle of built) {
    const cold = await measureColdStart(ctx.nodeBin, bundle.outfile, { runs: RUNS, env: lambdaLikeEnv() });
    result[`lambda.reference.${bundle.name}.bundleKb`] = round(bundle.bytes / 1024, 1);
    result[`lambda.reference.${bundle.name}.coldStartRatio`] = round(cold.ratio, 2);
    ctx.log(`lambda: reference ${bundle.name} ${round(bundle.bytes / 1024, 1)} KB → ${round(cold.ratio, 2)}`);
  }
  return result;
}
