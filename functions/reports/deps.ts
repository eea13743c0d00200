import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { countThrottles } from '#shared/adapters/aws/throttle-counter';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { EventBridgePublisher } from '#shared/adapters/eventbridge/event-publisher';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { SesReportMailer } from '#shared/adapters/ses/report-mailer';
import { requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import { explainCampaign } from '#shared/use-cases/dialing/diagnostics';
import { objectStoreArchive } from '#shared/use-cases/reports/archive';
import type { ReportDeps } from '#shared/use-cases/reports/send-reports';

/**
 * The report functions' adapters, built from the environment on the first invocation (so importing the bundle needs
 * no configuration): TABLE_NAME, BUS_NAME, REPORTS_BUCKET, SES_SENDER, MANAGER_EMAILS (comma-separated), AWS_REGION.
 */
export function reportDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReportDeps {
  const tableName = requireEnv('TABLE_NAME', env);
  const client = createDocumentClient();
  const store = new DynamoDbReportStore({ client, tableName });
  const campaigns = new DynamoDbCampaignRepository({ client, tableName });
  const diagnostics = { campaigns, store: new DynamoDbDialingStore({ client, tableName }), clock: systemClock };
  return {
    // "Contacts held back and why" as the dialing diagnostics count them now (bounded by zones and shards).
    heldBack: {
      heldBack: async (campaignId) =>
        Object.entries((await explainCampaign(diagnostics, campaignId)).held).map(([reason, count]) => ({
          reason,
          count: Number(count),
        })),
    },
    reads: store,
    markers: store,
    agents: new DynamoDbAgentStore({ client, tableName }),
    campaigns,
    clock: systemClock,
    mailer: new SesReportMailer({ client: countThrottles(new SESv2Client({})), from: requireEnv('SES_SENDER', env) }),
    archive: objectStoreArchive(
      new S3ObjectStore(countThrottles(new S3Client({}))),
      requireEnv('REPORTS_BUCKET', env),
      requireEnv('AWS_REGION', env),
    ),
    managerEmails: requireEnv('MANAGER_EMAILS', env)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    campaignUseCases: {
      repository: campaigns,
      events: new EventBridgePublisher({
        client: countThrottles(new EventBridgeClient({})),
        busName: requireEnv('BUS_NAME', env),
      }),
      clock: systemClock,
    },
    log: { info: (m, f) => logger.info(m, { ...f }), warn: (m, f) => logger.warn(m, { ...f }) },
  };
}
