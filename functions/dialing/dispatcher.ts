import { dialingDepsFromEnv } from '#functions/dialing/deps';
import { logger } from '#shared/observability/logger';
import { dispatchTick } from '#shared/use-cases/dialing/dispatch';

// Fired every minute by EventBridge Scheduler. Each tick is safe to repeat: marks are conditional on the index entry
// selected, and a resend carries the same client token.
const deps = dialingDepsFromEnv();

export const handler = async (): Promise<void> => {
  const reports = await dispatchTick(deps);
  // Counts and campaign ids only: no number or name reaches the logs.
  logger.info('dispatcher tick', {
    campaigns: reports.length,
    dialed: reports.reduce((s, r) => s + r.dialed, 0),
    requeued: reports.reduce((s, r) => s + r.requeued, 0),
  });
};
