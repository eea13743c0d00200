import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';

/** One Lambda entry point: `name` is its path under functions/ with `/` turned into `-` (`api/http-api.ts` → `api-http-api`). */
export interface LambdaEntry {
  name: string;
  /** Absolute path of the .ts source. */
  file: string;
}

export interface BuiltBundle extends LambdaEntry {
  /** The minified .mjs (source map and metafile beside it). */
  outfile: string;
  metafile: string;
  bytes: number;
  mapBytes: number;
}

const HANDLER_EXPORT =
  /export\s+(?:const|let|var)\s+handler\b|export\s+(?:async\s+)?function\s*\*?\s*handler\b|export\s*\{[^}]*\bhandler\s*(?:,|\})/;

/** True when TypeScript source exports a binding named `handler` (declared or re-exported). */
export function exportsHandler(source: string): boolean {
  return HANDLER_EXPORT.test(source);
}

function isTestFile(path: string): boolean {
  return /\.(test|spec)\.ts$/.test(path) || path.split(sep).some((part) => part === '__tests__' || part === 'test');
}

/** Every functions/**\/*.ts that exports `handler`, sorted by name; tests and declaration files are skipped. */
export async function findLambdaEntries(functionsDir: string): Promise<LambdaEntry[]> {
  const files = (await readdir(functionsDir, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !isTestFile(f))
    .sort();
  const entries: LambdaEntry[] = [];
  for (const rel of files) {
    const file = join(functionsDir, rel);
    if (exportsHandler(await readFile(file, 'utf8'))) {
      entries.push({ name: rel.slice(0, -'.ts'.length).split(sep).join('-'), file });
    }
  }
  return entries;
}

/**
 * Bundles each entry with the given esbuild options (the same ones the CDK function construct uses) and adds only
 * what places the output: entry, outfile, metafile. The options are not otherwise touched, so the figures describe
 * what is deployed.
 */
export async function buildBundles(
  entries: readonly LambdaEntry[],
  options: esbuild.BuildOptions,
  outDir: string,
  rootDir: string,
): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const entry of entries) {
    const outfile = join(outDir, `${entry.name}.mjs`);
    const result = await esbuild.build({
      ...options,
      absWorkingDir: rootDir,
      entryPoints: [entry.file],
      outfile,
      bundle: true,
      write: true,
      metafile: true,
      logLevel: 'warning',
    });
    const metafile = join(outDir, `${entry.name}.meta.json`);
    await writeFile(metafile, JSON.stringify(result.metafile));
    const bytes = (await stat(outfile)).size;
    const mapBytes = await stat(`${outfile}.map`).then(
      (s) => s.size,
      () => 0,
    );
    built.push({ ...entry, outfile, metafile, bytes, mapBytes });
  }
  return built;
}

/** Paths relative to the root, for printing. */
export function displayPath(rootDir: string, path: string): string {
  return relative(rootDir, path);
}
