import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { startS3Local } from '#infra/local/s3-local';
import { startSesLocal } from '#infra/local/ses-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local endpoint shared by the whole run; each test file makes its own tables on it. */
    dynamoDbEndpoint: string;
    /** s3rver endpoint (path-style, credentials S3RVER/S3RVER); tests create their own buckets. */
    s3Endpoint: string;
    /** aws-ses-v2-local endpoint; `GET <endpoint>/store` lists the mail sent. */
    sesEndpoint: string;
  }
}

/** Values every stand-in needs so the SDK never looks for real credentials nor reaches AWS. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

interface StandIn {
  stop(): Promise<void>;
}

/**
 * Starts each local stand-in once for the whole integration run and hands its address to the tests through
 * `provide`. A new stand-in is one more `start…()` call here plus one `ProvidedContext` entry.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  Object.assign(process.env, LOCAL_AWS_ENV);
  const running: StandIn[] = [];
  const started = async <T extends StandIn>(standIn: Promise<T>): Promise<T> => {
    const value = await standIn;
    running.push(value);
    return value;
  };
  const teardown = async () => {
    await Promise.allSettled(running.reverse().map((s) => s.stop()));
  };
  try {
    const dynamo = await started(startDynamoDbLocal());
    project.provide('dynamoDbEndpoint', dynamo.endpoint);
    project.provide('s3Endpoint', (await started(startS3Local())).endpoint);
    project.provide('sesEndpoint', (await started(startSesLocal())).endpoint);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
