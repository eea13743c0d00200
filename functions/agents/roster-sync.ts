import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectRoster } from '#shared/adapters/connect-roster/connect-roster';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import { syncRoster } from '#shared/use-cases/agents/roster-sync';

// Fired on a schedule (hourly by default): mirrors the Connect users and hierarchy groups into agents and teams.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const store = new DynamoDbAgentStore({
  client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
  tableName: requireEnv('TABLE_NAME'),
});
const roster = new ConnectRoster({ client: new ConnectClient({}), instanceId: requireEnv('CONNECT_INSTANCE_ID') });
const defaultTimeZone = optionalEnv('DEFAULT_TIME_ZONE') ?? 'Asia/Shanghai';

export const handler = async (): Promise<void> => {
  const result = await syncRoster({ store, roster, clock: systemClock, defaultTimeZone });
  logger.info('roster synced', { ...result });
  if (result.unmailable.length > 0) {
    // Agent ids only, never the addresses: the fix is in Connect, where an admin can look the users up.
    logger.warn('Connect users whose e-mail outcall cannot mail were stored without it: no reminders until fixed', {
      agentIds: result.unmailable,
    });
  }
};
