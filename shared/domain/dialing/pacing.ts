import type { Campaign } from '#shared/domain/campaign';

/** Minutes between two dispatcher ticks (the EventBridge Scheduler rate). */
export const TICK_MINUTES = 1;

/** Most dial requests in one PutOutboundRequestBatch call (Amazon Connect's limit). */
export const DIAL_BATCH_SIZE = 25;

/**
 * Dials one tick may place for a campaign: its per-minute pacing, and in pilot no more than what is left of the pilot
 * size in total.
 */
export function dialBudget(campaign: Pick<Campaign, 'state' | 'pacing' | 'pilot'>, pilotDialed: number): number {
  const perTick = campaign.pacing.dialsPerMinute * TICK_MINUTES;
  if (campaign.state !== 'pilot') return perTick;
  return Math.max(0, Math.min(perTick, campaign.pilot.size - pilotDialed));
}

/** Splits `items` into PutOutboundRequestBatch-sized chunks, in order. */
export function dialBatches<T>(items: readonly T[], size: number = DIAL_BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
