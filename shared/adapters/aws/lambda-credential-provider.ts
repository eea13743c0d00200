import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { FromHttpOptions } from '@aws-sdk/credential-provider-http';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { chain, memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles only (an esbuild `alias` in
 * infra/constructs/bundling.ts); tests and local runs keep the SDK's full chain.
 *
 * Lambda hands a function its execution role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN`, the first link of the SDK's default chain; a container-style runtime hands them over HTTP
 * (`AWS_CONTAINER_CREDENTIALS_FULL_URI`). The links after those (SSO, ini profiles, credential_process, web identity,
 * console login, EC2 instance metadata) can never answer in Lambda, yet the full chain bundles them with the STS,
 * SSO, SSO-OIDC and Signin clients they call: about 110 KB of every function bundle.
 *
 * Same export name and memoisation rule (refresh five minutes before expiry) as the SDK's `defaultProvider`.
 */
export function defaultProvider(init: { logger?: Logger } & FromHttpOptions = {}): AwsCredentialIdentityProvider {
  return memoize(
    // fromHttp checks its endpoint variables when created, so it is created only once the environment had nothing.
    chain(fromEnv(init), () => fromHttp(init)()),
    (credentials: AwsCredentialIdentity) =>
      credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000,
    (credentials: AwsCredentialIdentity) => credentials.expiration !== undefined,
  );
}
