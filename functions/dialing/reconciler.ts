import { dialingDepsFromEnv } from '#functions/dialing/deps';
import { logger } from '#shared/observability/logger';
import { reconcileTick } from '#shared/use-cases/dialing/reconcile';

// Fired every few minutes by EventBridge Scheduler: settles dials that outlived their deadline without an outcome.
const deps = dialingDepsFromEnv();

export const handler = async (): Promise<void> => {
  const reports = await reconcileTick(deps);
  logger.info('reconciler run', {
    stale: reports.reduce((s, r) => s + r.stale, 0),
    resent: reports.reduce((s, r) => s + r.resent, 0),
    expired: reports.reduce((s, r) => s + r.expired, 0),
  });
};
