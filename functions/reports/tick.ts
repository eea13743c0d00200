import { reportDepsFromEnv } from '#functions/reports/deps';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import type { ReportDeps } from '#shared/use-cases/reports/send-reports';
import { ReportTickError, runReportTick, type TickResult } from '#shared/use-cases/reports/send-reports';

/**
 * EventBridge Scheduler target, hourly: sends every team the scheduled reports it is owed and any pilot review or
 * evaluation still missing. A failure of one report throws after the others went out, so Lambda's retries and then
 * the function's dead-letter queue (alarmed) see it; a retry, or the next tick, re-sends nothing already sent.
 * ReportsSent counts the reports e-mailed, also in a tick that then fails.
 */
export function createTickHandler(deps: ReportDeps, tick: typeof runReportTick = runReportTick) {
  return () =>
    withMetrics(async (): Promise<TickResult> => {
      let result: TickResult;
      try {
        result = await tick(deps);
      } catch (error) {
        if (error instanceof ReportTickError) count(METRIC.reportsSent, error.result.mailed);
        throw error;
      }
      count(METRIC.reportsSent, result.mailed);
      logger.info('report tick', { sent: result.sent, skipped: result.skipped });
      return result;
    });
}

let lambdaHandler: ReturnType<typeof createTickHandler> | undefined;

export const handler = async (): Promise<TickResult> => {
  lambdaHandler ??= createTickHandler(reportDepsFromEnv());
  return lambdaHandler();
};
