import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';

/** Connect's account-wide PutOutboundRequestBatch rate (AWS-FACTS.md); override with CONNECT_BATCH_PER_SECOND. */
const DEFAULT_BATCH_PER_SECOND = 10;

/**
 * The dispatcher's and reconciler's adapters from the environment: TABLE_NAME required; DYNAMODB_ENDPOINT and
 * CONNECT_CAMPAIGNS_ENDPOINT point at local stand-ins (DynamoDB Local, the connect-sim).
 */
export function dialingDepsFromEnv(env: NodeJS.ProcessEnv = process.env): DialingDeps {
  const tableName = requireEnv('TABLE_NAME', env);
  const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT', env);
  const connectEndpoint = optionalEnv('CONNECT_CAMPAIGNS_ENDPOINT', env);
  const client = createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint });
  return {
    campaigns: new DynamoDbCampaignRepository({ client, tableName }),
    store: new DynamoDbDialingStore({ client, tableName }),
    connect: new ConnectCampaignsAdapter({
      client: new ConnectCampaignsV2Client(connectEndpoint === undefined ? {} : { endpoint: connectEndpoint }),
    }),
    limiter: new DynamoDbRateLimiter({
      client,
      tableName,
      name: 'connect-put-batch',
      perSecond: Number(optionalEnv('CONNECT_BATCH_PER_SECOND', env) ?? DEFAULT_BATCH_PER_SECOND),
    }),
    clock: systemClock,
    log: {
      info: (message, fields) => logger.info(message, { ...fields }),
      warn: (message, fields) => logger.warn(message, { ...fields }),
    },
  };
}
