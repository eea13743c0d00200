import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import { runReminderTick } from '#shared/use-cases/agents/reminders';

// Fired every minute by EventBridge Scheduler. A failed send throws after the others went out, so the invocation
// fails (retried by Scheduler, then its DLQ) and the next tick retries the message; the sent markers stop duplicates.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const sesEndpoint = optionalEnv('SES_ENDPOINT');
const store = new DynamoDbAgentStore({
  client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
  tableName: requireEnv('TABLE_NAME'),
});
const mailer = new SesMailer({
  client: new SESv2Client(sesEndpoint === undefined ? {} : { endpoint: sesEndpoint }),
  from: requireEnv('MAIL_FROM'),
});

export const handler = async (): Promise<void> => {
  const result = await runReminderTick({ store, markers: store, mailer, clock: systemClock });
  // Counts only: no agent name or e-mail address reaches the logs.
  if (result.sent > 0) logger.info('reminders sent', { ...result });
};
