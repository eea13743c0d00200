import { dialingDepsFromEnv } from '#functions/dialing/deps';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { noteThrottles } from '#shared/observability/throttles';
import { type CampaignTickReport, dispatchTick } from '#shared/use-cases/dialing/dispatch';

/**
 * Fired every minute by EventBridge Scheduler. Each tick is safe to repeat: marks are conditional on the index entry
 * selected, and a resend carries the same client token. Every tick publishes Dials, DialsFailed, Throttles and
 * IdleActiveCampaigns, zeros included: the idle-campaign alarm needs one data point a minute.
 */
export function createDispatcherHandler(tick: () => Promise<CampaignTickReport[]>) {
  return () =>
    withMetrics(async () => {
      const reports = await tick();
      const sum = (f: (r: CampaignTickReport) => number) => reports.reduce((s, r) => s + f(r), 0);
      count(
        METRIC.dials,
        sum((r) => r.dialed),
      );
      count(
        METRIC.dialsFailed,
        sum((r) => r.invalid + r.requeued),
      );
      count(
        METRIC.idleActiveCampaigns,
        sum((r) => (r.idle ? 1 : 0)),
      );
      // Connect's throttled requests join the DynamoDB throttles the client counted into one Throttles figure.
      noteThrottles(sum((r) => r.throttled));
      // Counts and campaign ids only: no number or name reaches the logs.
      logger.info('dispatcher tick', {
        campaigns: reports.length,
        dialed: sum((r) => r.dialed),
        requeued: sum((r) => r.requeued),
        idle: reports.filter((r) => r.idle).map((r) => r.campaignId),
        failed: reports.filter((r) => r.failed !== undefined).map((r) => r.campaignId),
        // Amazon Connect failing transiently (5xx, timeouts): requeued, retried after a short backoff.
        connectUnavailable: reports.filter((r) => r.connectUnavailable !== undefined).map((r) => r.campaignId),
        backingOff: reports.filter((r) => r.hold === 'connectUnavailableBackoff').map((r) => r.campaignId),
        // Held by an error Amazon Connect gave: they wait for a planner to fix the cause and resume them.
        heldByConnectError: reports.filter((r) => r.hold === 'heldByConnectError').map((r) => r.campaignId),
      });
    });
}

let lambdaHandler: ReturnType<typeof createDispatcherHandler> | undefined;

export const handler = async (): Promise<void> => {
  if (!lambdaHandler) {
    const deps = dialingDepsFromEnv();
    lambdaHandler = createDispatcherHandler(() => dispatchTick(deps));
  }
  return lambdaHandler();
};
