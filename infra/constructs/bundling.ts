import { fileURLToPath } from 'node:url';
import { type BundlingOptions, Charset, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Lets CommonJS dependencies bundled into an ES module still `require()` Node built-ins; without it esbuild's shim
 * throws "Dynamic require of … is not supported" at run time.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __outcallCreateRequire } from 'node:module';const require = __outcallCreateRequire(import.meta.url);";

/**
 * The Lambda-only credential provider bundled in place of `@aws-sdk/credential-provider-node` (see its TSDoc): the
 * SDK's default chain drags the STS/SSO/Signin clients of providers that never answer in Lambda into every bundle.
 */
export const LAMBDA_CREDENTIAL_PROVIDER = fileURLToPath(
  new URL('../../shared/adapters/aws/lambda-credential-provider.ts', import.meta.url),
);

/**
 * The esbuild options every outcall function is bundled with, as plain esbuild build options so that the benchmark
 * (bench/) builds byte-for-byte comparable bundles with the esbuild npm package. {@link nodejsBundling} derives the
 * CDK `NodejsFunction` bundling props from this one object; change the options here and both follow.
 *
 * The AWS SDK is bundled (no `external`) so cold starts load only the commands a function uses and the SDK version is
 * the one the tests ran against, not whatever the runtime ships. Output is ESM (`.mjs` under CDK), which needs the
 * {@link ESM_REQUIRE_BANNER}.
 */
export const BUNDLING_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Source maps without embedded sources keep the artifact small; stack traces still map to file and line.
  sourcesContent: false,
  // ESM builds of dependencies tree-shake better than their CommonJS builds.
  mainFields: ['module', 'main'],
  conditions: ['module'],
  banner: { js: ESM_REQUIRE_BANNER },
  // Chinese script text and headers stay readable and smaller than \u escapes.
  charset: 'utf8',
  external: [],
  // ≈ 110 KB off every bundle: Lambda gives credentials in the environment (or over HTTP), never through the profile,
  // SSO or web-identity links whose clients the SDK's default chain bundles.
  alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIAL_PROVIDER },
} as const satisfies BuildOptions;

/**
 * The CDK `NodejsFunction` bundling props equivalent to {@link BUNDLING_OPTIONS}.
 *
 * @returns bundling props: minify, linked source map without sources, ESM, node24, AWS SDK bundled, the same aliases
 */
export function nodejsBundling(): BundlingOptions {
  return {
    minify: BUNDLING_OPTIONS.minify,
    sourceMap: BUNDLING_OPTIONS.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: BUNDLING_OPTIONS.sourcesContent,
    target: BUNDLING_OPTIONS.target,
    format: OutputFormat.ESM,
    mainFields: [...BUNDLING_OPTIONS.mainFields],
    banner: BUNDLING_OPTIONS.banner.js,
    charset: Charset.UTF8,
    bundleAwsSDK: true,
    externalModules: [...BUNDLING_OPTIONS.external],
    esbuildArgs: {
      '--conditions': BUNDLING_OPTIONS.conditions.join(','),
      ...Object.fromEntries(Object.entries(BUNDLING_OPTIONS.alias).map(([from, to]) => [`--alias:${from}`, to])),
    },
  };
}
