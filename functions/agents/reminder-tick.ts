import { SESv2Client } from '@aws-sdk/client-sesv2';
import { countThrottles } from '#shared/adapters/aws/throttle-counter';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { systemClock } from '#shared/ports/clock';
import { ReminderSendError, type ReminderTickResult, runReminderTick } from '#shared/use-cases/agents/reminders';

/**
 * Fired every minute by EventBridge Scheduler. A failed send, or a team that cannot be read, throws after the other
 * messages and teams were served (the error names the teams), so the invocation fails (into the function's dead-letter
 * queue: Lambda does not retry a minute tick) and the next tick retries what failed; the sent markers stop duplicates.
 * RemindersSent counts the messages that went out, also in a tick that then fails.
 */
export function createReminderTickHandler(tick: () => Promise<ReminderTickResult>) {
  return () =>
    withMetrics(async () => {
      let result: ReminderTickResult;
      try {
        result = await tick();
      } catch (error) {
        if (error instanceof ReminderSendError) count(METRIC.remindersSent, error.result.sent);
        throw error;
      }
      count(METRIC.remindersSent, result.sent);
      // Counts only: no agent name or e-mail address reaches the logs.
      if (result.sent > 0) logger.info('reminders sent', { ...result });
    });
}

let lambdaHandler: ReturnType<typeof createReminderTickHandler> | undefined;

export const handler = async (): Promise<void> => {
  lambdaHandler ??= createReminderTickHandler(reminderTickFromEnv());
  return lambdaHandler();
};

function reminderTickFromEnv(): () => Promise<ReminderTickResult> {
  const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
  const sesEndpoint = optionalEnv('SES_ENDPOINT');
  const store = new DynamoDbAgentStore({
    client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
    tableName: requireEnv('TABLE_NAME'),
  });
  const mailer = new SesMailer({
    client: countThrottles(new SESv2Client(sesEndpoint === undefined ? {} : { endpoint: sesEndpoint })),
    from: requireEnv('MAIL_FROM'),
  });
  return () => runReminderTick({ store, markers: store, mailer, clock: systemClock });
}
