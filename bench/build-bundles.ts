/**
 * `npm run build`: bundles every Lambda entry (functions/**\/*.ts exporting `handler`) with the CDK construct's esbuild
 * options into .bench/bundles/<name>.mjs (+ .map and .meta.json) and prints sizes and the largest packages.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesByPackage, duplicatePackages } from './lib/analyze.ts';
import { buildBundles, displayPath, findLambdaEntries } from './lib/bundles.ts';
import { loadBundlingOptions } from './lib/bundling-options.ts';

const rootDir = dirname(dirname(fileURLToPath(import.meta.url)));
const verbose = process.argv.includes('--verbose');

const entries = await findLambdaEntries(join(rootDir, 'functions'));
const bundles = await buildBundles(entries, await loadBundlingOptions(), join(rootDir, '.bench', 'bundles'), rootDir);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
for (const bundle of bundles) {
  console.log(`${displayPath(rootDir, bundle.outfile)}  ${kb(bundle.bytes)}  (map ${kb(bundle.mapBytes)})`);
  const metafile = JSON.parse(await readFile(bundle.metafile, 'utf8'));
  for (const share of bytesByPackage(metafile).slice(0, verbose ? 40 : 8)) {
    console.log(`  ${kb(share.bytes).padStart(10)}  ${share.name}`);
  }
  for (const [name, roots] of duplicatePackages(metafile))
    console.log(`  duplicated: ${name} (${roots.length} copies)`);
}
