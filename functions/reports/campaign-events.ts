import * as z from 'zod';
import { reportDepsFromEnv } from '#functions/reports/deps';
import { logger } from '#shared/observability/logger';
import { onCampaignTransitioned, type ReportDeps } from '#shared/use-cases/reports/send-reports';

/** The part of `CampaignTransitioned` (source `outcall.campaigns`) this consumer reads; other fields are ignored. */
export const campaignTransitionedSchema = z.object({
  'detail-type': z.literal('CampaignTransitioned'),
  detail: z.object({ campaignId: z.string().min(1), action: z.string().min(1) }),
});

/**
 * Target of the rule on the outcall bus for `CampaignTransitioned` with action `endPilot` or `complete`: sends the
 * pilot review or the evaluation. Errors are thrown so Lambda's async retries (and the hourly tick after them)
 * finish the job; the markers keep a retry from sending twice.
 */
export function createCampaignEventsHandler(deps: ReportDeps) {
  return async (event: unknown): Promise<string> => {
    const { detail } = campaignTransitionedSchema.parse(event);
    const status = await onCampaignTransitioned(deps, detail);
    logger.info('campaign report', { campaignId: detail.campaignId, action: detail.action, status });
    return status;
  };
}

let lambdaHandler: ReturnType<typeof createCampaignEventsHandler> | undefined;

export const handler = async (event: unknown): Promise<string> => {
  lambdaHandler ??= createCampaignEventsHandler(reportDepsFromEnv());
  return lambdaHandler(event);
};
