import { dialingDepsFromEnv } from '#functions/dialing/deps';
import { recorder } from '#functions/outcomes/recorder';
import { logger } from '#shared/observability/logger';
import { reconcileTick } from '#shared/use-cases/dialing/reconcile';

// Fired every few minutes by EventBridge Scheduler: settles dials that outlived their deadline without an outcome.
// The outcome recorder answers "what became of this attempt?" from what outcomes already stored, before a stale dial is
// treated as expired.
const deps = { ...dialingDepsFromEnv(), outcomes: recorder };

export const handler = async (): Promise<void> => {
  const reports = await reconcileTick(deps);
  logger.info('reconciler run', {
    stale: reports.reduce((s, r) => s + r.stale, 0),
    resent: reports.reduce((s, r) => s + r.resent, 0),
    expired: reports.reduce((s, r) => s + r.expired, 0),
  });
};
