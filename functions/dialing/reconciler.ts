import { dialingDepsFromEnv } from '#functions/dialing/deps';
import { recorder } from '#functions/outcomes/recorder';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { ReconcileFailedError, type ReconcileReport, reconcileTick } from '#shared/use-cases/dialing/reconcile';

/**
 * Fired every few minutes by EventBridge Scheduler: settles dials that outlived their deadline without an outcome.
 * StaleDialsReconciled counts the dials it settled (resent, expired or exhausted); those the outcomes side could
 * explain were not lost and are left out, so the stale-dials alarm hears only of lost events and records.
 */
export function createReconcilerHandler(tick: () => Promise<ReconcileReport[]>) {
  return () =>
    withMetrics(async () => {
      let reports: ReconcileReport[];
      try {
        reports = await tick();
      } catch (error) {
        // The campaigns that did reconcile still count; the failure goes on to Lambda (retries, then the DLQ).
        if (!(error instanceof ReconcileFailedError)) throw error;
        report(error.reports);
        throw error;
      }
      report(reports);
    });
}

function report(reports: readonly ReconcileReport[]): void {
  const sum = (f: (r: ReconcileReport) => number) => reports.reduce((s, r) => s + f(r), 0);
  count(
    METRIC.staleDialsReconciled,
    sum((r) => r.resent + r.expired + r.exhausted),
  );
  logger.info('reconciler run', {
    stale: sum((r) => r.stale),
    resent: sum((r) => r.resent),
    expired: sum((r) => r.expired),
  });
}

let lambdaHandler: ReturnType<typeof createReconcilerHandler> | undefined;

export const handler = async (): Promise<void> => {
  if (!lambdaHandler) {
    // The outcome recorder answers "what became of this attempt?" from what outcomes already stored, before a stale
    // dial is treated as expired.
    const deps = { ...dialingDepsFromEnv(), outcomes: recorder };
    lambdaHandler = createReconcilerHandler(() => reconcileTick(deps));
  }
  return lambdaHandler();
};
