import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countThrottles } from '#shared/adapters/aws/throttle-counter';

export interface DynamoDbConfig {
  /** Local stand-in such as `http://127.0.0.1:8000`; absent in AWS. */
  endpoint?: string;
  /** Default: the SDK's own resolution (`AWS_REGION` in Lambda). */
  region?: string;
  /** Static credentials, for local stand-ins only; absent in AWS, where the SDK's default chain is right. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A document client with outcall's marshalling rules: `undefined` attributes are dropped (optional fields stay
 * optional) and class instances are refused, so only plain data reaches the table. Every throttled attempt, retried
 * or not, is counted for the `Throttles` metric. Cheap to build; create it once at module scope in a handler so
 * connections are reused across invocations.
 */
export function createDocumentClient(config: DynamoDbConfig = {}): DynamoDBDocumentClient {
  const client = countThrottles(
    new DynamoDBClient({
      ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
      ...(config.region !== undefined ? { region: config.region } : {}),
      ...(config.credentials !== undefined ? { credentials: config.credentials } : {}),
    }),
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
