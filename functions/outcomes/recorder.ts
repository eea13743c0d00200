import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { OutcomeHandlerDeps } from '#functions/outcomes/handlers';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { EventBridgePublisher } from '#shared/adapters/eventbridge/event-publisher';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { systemClock } from '#shared/ports/clock';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';

// Built once per container at import (INIT); a missing variable fails INIT with its name.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const eventsEndpoint = optionalEnv('EVENTS_ENDPOINT');

/** Records outcomes, and answers the dialing reconciler's "what became of this attempt?". */
export const recorder = new OutcomeRecorder({
  store: new DynamoDbOutcomeStore({
    client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
    tableName: requireEnv('TABLE_NAME'),
  }),
  events: new EventBridgePublisher({
    client: new EventBridgeClient(eventsEndpoint === undefined ? {} : { endpoint: eventsEndpoint }),
    busName: requireEnv('BUS_NAME'),
  }),
  clock: systemClock,
});

/** The outcome functions' shared dependencies: the DynamoDB store and the domain event bus (for OrderPlaced). */
export const outcomeDeps: OutcomeHandlerDeps = { recorder, clock: systemClock };
