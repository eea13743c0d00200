import { describe, expect, it } from 'vitest';
import {
  bonusOfNthDeliveryCents,
  commissionCents,
  courierDay,
  courierDayBonusCents,
  orderFigures,
} from '#shared/domain/orders/incentives';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { courierReport } from '#shared/use-cases/orders/queries';
import { orderPlaced, ordersWorld, PHONE_KEY, SALES_ID, STORE } from '#test/unit/orders/world';

const POLICY = { stepCents: 100, dailyCapCents: 10_000 };

describe('commission', () => {
  it('is 1 % by default, rounded half up in whole cents', () => {
    expect(commissionCents(6490, 100)).toBe(65); // 64.90 yuan → 0.649 → 0.65
    expect(commissionCents(50, 100)).toBe(1); // 0.5 cent rounds up
    expect(commissionCents(49, 100)).toBe(0);
    expect(commissionCents(1_000_000, 100)).toBe(10_000);
    expect(commissionCents(1_000_000, 250)).toBe(25_000);
    expect(commissionCents(0, 100)).toBe(0);
  });
});

describe('courier bonus', () => {
  it('grows 1, 2, 3 … per delivery and the day is capped at 100', () => {
    expect([1, 2, 3, 4].map((n) => bonusOfNthDeliveryCents(n, POLICY))).toEqual([100, 200, 300, 400]);
    expect(courierDayBonusCents(13, POLICY)).toBe(9100);
    // The 14th would earn 14 but only 9 remain under the cap; later ones earn nothing.
    expect(bonusOfNthDeliveryCents(14, POLICY)).toBe(900);
    expect(courierDayBonusCents(14, POLICY)).toBe(10_000);
    expect(bonusOfNthDeliveryCents(15, POLICY)).toBe(0);
    expect(courierDayBonusCents(0, POLICY)).toBe(0);
    expect(courierDayBonusCents(3, { stepCents: 100, dailyCapCents: 500 })).toBe(500);
  });

  it("counts a delivery on the courier's day in the store's zone", () => {
    // 23:30 on 2 March in UTC is 07:30 on 3 March in Shanghai.
    expect(courierDay('2026-03-02T23:30:00.000Z', 'Asia/Shanghai')).toBe('2026-03-03');
    expect(courierDay('2026-03-02T15:59:59.000Z', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(courierDay('2026-03-02T15:59:59.000Z', 'America/New_York')).toBe('2026-03-02');
    expect(courierDay('2026-03-03T04:30:00.000Z', 'America/New_York')).toBe('2026-03-02');
  });

  it('starts again from 1 on a new day and reports per day', async () => {
    const w = await ordersWorld({ fulfilmentEmail: undefined });
    // 15 deliveries on 2 March (Shanghai) and 2 on 3 March, one of them 00:10 local time.
    const times = [
      ...Array.from({ length: 15 }, (_, i) => `2026-03-02T${String(2 + (i % 8)).padStart(2, '0')}:0${i % 6}:00+00:00`),
      '2026-03-02T16:10:00+00:00',
      '2026-03-03T03:00:00+00:00',
    ];
    for (const [i, at] of times.entries()) {
      const detail = orderPlaced({ orderId: `${SALES_ID}.${PHONE_KEY}.${i + 1}`, attempt: i + 1 });
      await placeOrder(w.deps, detail);
      await updateOrder(w.deps, detail.orderId, { status: 'outForDelivery', at: '2026-03-02T01:00:00+00:00' }, STORE);
      await updateOrder(w.deps, detail.orderId, { status: 'delivered', at, courierId: 'k-1' }, STORE);
    }
    const report = await courierReport(w.deps, STORE, 'k-1', SALES_ID, '2026-03-01', '2026-03-05');
    expect(report.days).toEqual([
      { day: '2026-03-02', deliveries: 15, bonusCents: 10_000, lastDeliveryBonusCents: 0 },
      { day: '2026-03-03', deliveries: 2, bonusCents: 300, lastDeliveryBonusCents: 200 },
    ]);
    expect(report.bonusCents).toBe(10_300);
  });
});

describe('order figures', () => {
  it('nets returns and cancellations out of conversions and splits returns by reason', () => {
    const f = orderFigures(
      {
        conversions: 10,
        orders: 10,
        ordersDelivered: 6,
        ordersReturned: 2,
        ordersCancelled: 1,
        salesCents: 100_000,
        deliveredCents: 60_000,
      },
      { refused: 1, damaged: 1, quality: 0 },
      100,
    );
    expect(f.netConversions).toBe(7);
    expect(f.returnRate).toBe(0.25);
    expect(f.returnsByReason).toEqual({ refused: { count: 1, share: 0.5 }, damaged: { count: 1, share: 0.5 } });
    expect(f.commissionCents).toBe(600);
  });
});
