import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUNDLING_OPTIONS, LAMBDA_CREDENTIAL_PROVIDER, nodejsBundling } from '#infra/constructs/bundling';

let dir: string | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Lambda credential provider in bundles', () => {
  it('passes the same alias to CDK as to the bench', () => {
    expect(nodejsBundling().esbuildArgs).toMatchObject({
      '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIAL_PROVIDER,
    });
  });

  it('bundles no STS/SSO clients, and a bundled SDK client still resolves the environment credentials', async () => {
    dir = await mkdtemp(join(tmpdir(), 'outcall-bundle-'));
    const outfile = join(dir, 'probe.mjs');
    const result = await build({
      ...BUNDLING_OPTIONS,
      stdin: {
        contents:
          "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';" +
          "export const credentials = () => new DynamoDBClient({ region: 'eu-central-1' }).config.credentials();",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('lambda-credential-provider'))).toBe(true);
    expect(
      inputs.filter((path) => /nested-clients|credential-provider-(node|ini|sso|web-identity)/.test(path)),
    ).toEqual([]);

    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIABUNDLED');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');
    const probe = (await import(pathToFileURL(outfile).href)) as {
      credentials: () => Promise<{ accessKeyId: string }>;
    };
    expect(await probe.credentials()).toMatchObject({ accessKeyId: 'AKIABUNDLED', sessionToken: 'token' });
  });
});
