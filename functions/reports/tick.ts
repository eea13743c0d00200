import { reportDepsFromEnv } from '#functions/reports/deps';
import { logger } from '#shared/observability/logger';
import type { ReportDeps } from '#shared/use-cases/reports/send-reports';
import { runReportTick, type TickResult } from '#shared/use-cases/reports/send-reports';

/**
 * EventBridge Scheduler target, hourly: sends every team the scheduled reports it is owed and any pilot review or
 * evaluation still missing. A failure of one report throws after the others went out, so the schedule's retry policy
 * and DLQ see it; the retry re-sends nothing already sent.
 */
export function createTickHandler(deps: ReportDeps) {
  return async (): Promise<TickResult> => {
    const result = await runReportTick(deps);
    logger.info('report tick', { sent: result.sent, skipped: result.skipped });
    return result;
  };
}

let lambdaHandler: ReturnType<typeof createTickHandler> | undefined;

export const handler = async (): Promise<TickResult> => {
  lambdaHandler ??= createTickHandler(reportDepsFromEnv());
  return lambdaHandler();
};
