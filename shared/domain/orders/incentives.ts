import { DateTime } from 'luxon';
import { type Campaign, type FollowThrough, followThroughSchema } from '#shared/domain/campaign';

/** A campaign's follow-through settings with every default applied. */
export function followThroughOf(campaign: Pick<Campaign, 'followThrough'>): FollowThrough {
  return followThroughSchema.parse(campaign.followThrough ?? {});
}

/** The store's zone: its own when set, else the campaign's. */
export function storeZoneOf(campaign: Pick<Campaign, 'followThrough' | 'callingRules'>): string {
  return campaign.followThrough?.storeTimeZone ?? campaign.callingRules.timeZone;
}

/**
 * Commission on delivered sales, in whole cents, rounded half up. Integer arithmetic on basis points, so 1 % of
 * 50 cents is exactly 1 cent (0.5 rounded up) with no floating-point drift.
 */
export function commissionCents(deliveredCents: number, basisPoints: number): number {
  if (deliveredCents <= 0 || basisPoints <= 0) return 0;
  return Math.floor((deliveredCents * basisPoints + 5000) / 10_000);
}

export interface CourierBonusPolicy {
  stepCents: number;
  dailyCapCents: number;
}

/**
 * A courier's bonus for a day of `deliveries`: the n-th delivery earns n × step (1, 2, 3, … yuan by default) and the
 * day's total is capped (100 yuan by default). Only the count matters, so the figure does not depend on the order in
 * which the deliveries were reported.
 */
export function courierDayBonusCents(deliveries: number, policy: CourierBonusPolicy): number {
  if (deliveries <= 0) return 0;
  const uncapped = (policy.stepCents * deliveries * (deliveries + 1)) / 2;
  return Math.min(uncapped, policy.dailyCapCents);
}

/** What the n-th delivery of a day adds to the day's bonus (0 once the cap is reached). */
export function bonusOfNthDeliveryCents(n: number, policy: CourierBonusPolicy): number {
  return courierDayBonusCents(n, policy) - courierDayBonusCents(n - 1, policy);
}

/** The local date (YYYY-MM-DD) of an instant in `zone`. */
export function localDate(iso: string, zone: string): string {
  const day = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISODate();
  if (!day) throw new Error(`cannot read a day from ${iso} in ${zone}`);
  return day;
}

/** The courier's working day a delivery counts on: the local date of `deliveredAt` in the store's zone. */
export function courierDay(deliveredAt: string, storeZone: string): string {
  return localDate(deliveredAt, storeZone);
}

/** Figures of a campaign's orders over some days, from its counters (docs/orders.md, "reports"). */
export interface OrderFigures {
  conversions: number;
  orders: number;
  delivered: number;
  returned: number;
  cancelled: number;
  /** Conversions that did not come back: conversions − returned − cancelled. */
  netConversions: number;
  salesCents: number;
  deliveredCents: number;
  /** returned / (delivered + returned): the share of orders that reached the door and came back. */
  returnRate: number;
  /** Per reason: count and share of all returns. */
  returnsByReason: Record<string, { count: number; share: number }>;
  commissionCents: number;
}

export function orderFigures(
  counters: Partial<Record<string, number>>,
  returnReasons: Record<string, number>,
  commissionBasisPoints: number,
): OrderFigures {
  const n = (f: string) => counters[f] ?? 0;
  const delivered = n('ordersDelivered');
  const returned = n('ordersReturned');
  const cancelled = n('ordersCancelled');
  const reached = delivered + returned;
  const totalReasons = Object.values(returnReasons).reduce((a, b) => a + b, 0);
  return {
    conversions: n('conversions'),
    orders: n('orders'),
    delivered,
    returned,
    cancelled,
    netConversions: n('conversions') - returned - cancelled,
    salesCents: n('salesCents'),
    deliveredCents: n('deliveredCents'),
    returnRate: reached === 0 ? 0 : returned / reached,
    returnsByReason: Object.fromEntries(
      Object.entries(returnReasons)
        .filter(([, count]) => count > 0)
        .map(([reason, count]) => [reason, { count, share: totalReasons === 0 ? 0 : count / totalReasons }]),
    ),
    commissionCents: commissionCents(n('deliveredCents'), commissionBasisPoints),
  };
}
