import { LOCAL_AWS_ENV } from '#test/integration/global-setup';

/**
 * Dummy credentials and region for the test worker. Applied before any SDK client is built so that a developer's
 * real AWS credentials in the environment are never picked up by an integration test.
 */
export function useLocalAwsEnv(): void {
  Object.assign(process.env, LOCAL_AWS_ENV);
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}
