import { createCounterStreamHandler } from '#functions/outcomes/counter-stream-handler';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbCounterLedger } from '#shared/adapters/dynamodb/counter-ledger';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { systemClock } from '#shared/ports/clock';

// Built once per container at import (INIT); a missing variable fails INIT with its name.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');

export const handler = createCounterStreamHandler({
  ledger: new DynamoDbCounterLedger({
    client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
    tableName: requireEnv('TABLE_NAME'),
    clock: systemClock,
  }),
});
