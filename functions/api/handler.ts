import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createApiHandler } from '#functions/api/router';
import { apiRoutes } from '#functions/api/routes';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbOrderStore } from '#shared/adapters/dynamodb/order-store';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { EventBridgePublisher } from '#shared/adapters/eventbridge/event-publisher';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { systemClock } from '#shared/ports/clock';

// Lambda entry point of the HTTP API (every route but `/subjects`, which is functions/api/subjects-handler.ts). Adapters are built once per container, at import (the INIT phase), and a
// missing variable fails the INIT with its name. DYNAMODB_ENDPOINT / EVENTS_ENDPOINT / CONNECT_CAMPAIGNS_ENDPOINT
// point at local stand-ins.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const eventsEndpoint = optionalEnv('EVENTS_ENDPOINT');
const connectEndpoint = optionalEnv('CONNECT_CAMPAIGNS_ENDPOINT');

const dynamo = createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint });
const tableName = requireEnv('TABLE_NAME');

const repository = new DynamoDbCampaignRepository({ client: dynamo, tableName });

const events = new EventBridgePublisher({
  client: new EventBridgeClient(eventsEndpoint === undefined ? {} : { endpoint: eventsEndpoint }),
  busName: requireEnv('BUS_NAME'),
});

export const handler = createApiHandler(
  apiRoutes({
    repository,
    events,
    clock: systemClock,
    // Lifecycle transitions create, start, pause, resume and stop the Amazon Connect campaign.
    connect: new ConnectCampaignsAdapter({
      client: new ConnectCampaignsV2Client(connectEndpoint === undefined ? {} : { endpoint: connectEndpoint }),
    }),
    dialing: {
      campaigns: repository,
      store: new DynamoDbDialingStore({ client: dynamo, tableName }),
      clock: systemClock,
    },
    qa: { store: new DynamoDbQaStore({ client: dynamo, tableName }), clock: systemClock },
    agents: { store: new DynamoDbAgentStore({ client: dynamo, tableName }), clock: systemClock },
    orders: {
      orders: new DynamoDbOrderStore({ client: dynamo, tableName }),
      campaigns: repository,
      events,
      clock: systemClock,
    },
  }),
);
