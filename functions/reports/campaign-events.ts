import * as z from 'zod';
import { reportDepsFromEnv } from '#functions/reports/deps';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { onCampaignTransitioned, type ReportDeps } from '#shared/use-cases/reports/send-reports';

/** The part of `CampaignTransitioned` (source `outcall.campaigns`) this consumer reads; other fields are ignored. */
export const campaignTransitionedSchema = z.object({
  'detail-type': z.literal('CampaignTransitioned'),
  detail: z.object({ campaignId: z.string().min(1), action: z.string().min(1) }),
});

/**
 * Target of the rule on the outcall bus for `CampaignTransitioned` with action `endPilot` or `complete`: sends the
 * pilot review or the evaluation. Errors are thrown so Lambda's async retries (and the hourly tick after them)
 * finish the job; the markers keep a retry from sending twice, so ReportsSent counts 1 only for the delivery that
 * e-mailed the report.
 */
export function createCampaignEventsHandler(
  deps: ReportDeps,
  onTransition: typeof onCampaignTransitioned = onCampaignTransitioned,
) {
  return (event: unknown): Promise<string> =>
    withMetrics(async () => {
      let mailed = 0;
      try {
        const { detail } = campaignTransitionedSchema.parse(event);
        const status = await onTransition(deps, detail);
        if (status === 'sent') mailed = 1;
        logger.info('campaign report', { campaignId: detail.campaignId, action: detail.action, status });
        return status;
      } finally {
        count(METRIC.reportsSent, mailed);
      }
    });
}

let lambdaHandler: ReturnType<typeof createCampaignEventsHandler> | undefined;

export const handler = async (event: unknown): Promise<string> => {
  lambdaHandler ??= createCampaignEventsHandler(reportDepsFromEnv());
  return lambdaHandler(event);
};
