import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbOrderFormMarkers, DynamoDbOrderStore } from '#shared/adapters/dynamodb/order-store';
import { EventBridgePublisher } from '#shared/adapters/eventbridge/event-publisher';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { systemClock } from '#shared/ports/clock';
import type { OrderDeps } from '#shared/use-cases/orders/deps';

/**
 * The adapters of the order functions, built once per container at import; a missing variable fails the INIT with
 * its name. DYNAMODB_ENDPOINT / EVENTS_ENDPOINT / SES_ENDPOINT point at local stand-ins.
 */
export function orderDepsFromEnv(): OrderDeps {
  const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
  const eventsEndpoint = optionalEnv('EVENTS_ENDPOINT');
  const sesEndpoint = optionalEnv('SES_ENDPOINT');
  const client = createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint });
  const tableName = requireEnv('TABLE_NAME');
  return {
    orders: new DynamoDbOrderStore({ client, tableName }),
    campaigns: new DynamoDbCampaignRepository({ client, tableName }),
    mailer: new SesMailer({
      client: new SESv2Client(sesEndpoint === undefined ? {} : { endpoint: sesEndpoint }),
      from: requireEnv('SES_SENDER'),
    }),
    markers: new DynamoDbOrderFormMarkers({ client, tableName }),
    events: new EventBridgePublisher({
      client: new EventBridgeClient(eventsEndpoint === undefined ? {} : { endpoint: eventsEndpoint }),
      busName: requireEnv('BUS_NAME'),
    }),
    clock: systemClock,
  };
}
