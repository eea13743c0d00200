import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING_OPTIONS, ESM_REQUIRE_BANNER, nodejsBundling } from '#infra/constructs/bundling';

const BUILTINS = new Set(builtinModules);

describe('bundling options', () => {
  it('derives the CDK bundling props from the one esbuild options object', () => {
    const props = nodejsBundling();

    expect(props).toMatchObject({
      minify: BUNDLING_OPTIONS.minify,
      sourceMap: true,
      target: 'node24',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: BUNDLING_OPTIONS.banner.js,
      bundleAwsSDK: true,
      externalModules: [],
      esbuildArgs: { '--conditions': 'module' },
    });
  });

  it('bundles the API handler as one ESM file with the AWS SDK inside and the require shim on top', async () => {
    const result = await build({
      ...BUNDLING_OPTIONS,
      entryPoints: ['functions/api/handler.ts'],
      outfile: 'out/http-api.mjs',
      write: false,
      metafile: true,
    });

    const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))?.text ?? '';
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(result.outputFiles.some((f) => f.path.endsWith('.mjs.map'))).toBe(true);
    const externals = Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    // Only Node built-ins may stay outside the bundle; the SDK the tests ran against ships inside it.
    expect(externals.filter((path) => !path.startsWith('node:') && !BUILTINS.has(path))).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/@aws-sdk/'))).toBe(true);
  });
});
