import type { BuildOptions } from 'esbuild';

export class BundlingOptionsMissingError extends Error {
  override name = 'BundlingOptionsMissingError';
}

/**
 * The esbuild options of the CDK function construct (infra/constructs/bundling.ts). The bench never keeps its own
 * copy: a figure measured with other options would describe something that is not deployed.
 */
export async function loadBundlingOptions(): Promise<BuildOptions> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('#infra/constructs/bundling')) as Record<string, unknown>;
  } catch (error) {
    throw new BundlingOptionsMissingError(
      `infra/constructs/bundling.ts could not be loaded (${(error as Error).message}); the bench needs the construct's options`,
    );
  }
  const options = mod.BUNDLING_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new BundlingOptionsMissingError('infra/constructs/bundling.ts does not export `BUNDLING_OPTIONS`');
  }
  return options as BuildOptions;
}
