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
  return result;
}
