import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '#shared/adapters/aws/lambda-credential-provider';

afterEach(() => {
  vi.unstubAllEnvs();
});

function lambdaEnv(key: string) {
  vi.stubEnv('AWS_ACCESS_KEY_ID', key);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('AWS_SESSION_TOKEN', 'token');
}

describe('Lambda credential provider', () => {
  it('answers with the execution role credentials Lambda puts in the environment, once', async () => {
    lambdaEnv('AKIAFIRST');
    const provider = defaultProvider();
    expect(await provider()).toMatchObject({
      accessKeyId: 'AKIAFIRST',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASECOND');
    // Credentials without an expiry are kept, as the SDK's default chain keeps them.
    expect(await provider()).toMatchObject({ accessKeyId: 'AKIAFIRST' });
  });

  it('fails clearly when neither the environment nor a container endpoint has credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
