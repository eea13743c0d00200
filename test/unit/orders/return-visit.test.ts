import { describe, expect, it } from 'vitest';
import { isOpenAt } from '#shared/domain/calling-window';
import { campaignSpecSchema } from '#shared/domain/campaign';
import { planVisit, RETURN_VISIT_DISPOSITIONS } from '#shared/domain/orders/return-visit';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import {
  campaign,
  orderPlaced,
  ordersWorld,
  PHONE_KEY,
  SALES_ID,
  STORE,
  sourceContact,
  VISIT_ID,
} from '#test/unit/orders/world';

const visitCampaign = campaign(VISIT_ID, { purpose: 'returnVisit' });

describe('planVisit (fixed clocks)', () => {
  it('keeps a delay that lands inside the window', () => {
    // Delivered Monday 10:30 Shanghai + 48 h = Wednesday 10:30, inside 09:00–12:00.
    const plan = planVisit({
      kind: 'satisfaction',
      orderId: 'o-1',
      source: sourceContact(),
      visitCampaign,
      baseAt: '2026-03-02T02:30:00.000Z',
      delayHours: 48,
      now: '2026-03-02T02:31:00.000Z',
    });
    expect(plan?.contact.dueAt).toBe('2026-03-04T02:30:00.000Z');
    expect(plan?.contact.state).toBe('new');
    expect(plan?.priority).toBe('newMobile');
    expect(plan?.contact.campaignId).toBe(VISIT_ID);
    expect(plan?.contact.attributes.extra).toMatchObject({ orderId: 'o-1', visit: 'satisfaction' });
  });

  it('moves a visit that would fall at lunch, at night or on the weekend to the next window', () => {
    const at = (baseAt: string, delayHours: number) =>
      planVisit({
        kind: 'satisfaction',
        orderId: 'o-1',
        source: sourceContact(),
        visitCampaign,
        baseAt,
        delayHours,
        now: baseAt,
      })?.contact.dueAt;
    // Monday 12:30 local → 14:00 local.
    expect(at('2026-03-02T04:30:00.000Z', 0)).toBe('2026-03-02T06:00:00.000Z');
    // Monday 21:00 local → Tuesday 09:00 local.
    expect(at('2026-03-02T13:00:00.000Z', 0)).toBe('2026-03-03T01:00:00.000Z');
    // Friday 19:00 local + 2 h → Saturday → Monday 09:00 local.
    expect(at('2026-03-06T11:00:00.000Z', 2)).toBe('2026-03-09T01:00:00.000Z');
  });

  it("reads the window in the contact's own zone", () => {
    const plan = planVisit({
      kind: 'satisfaction',
      orderId: 'o-1',
      source: sourceContact({ zone: 'Asia/Urumqi' }),
      visitCampaign,
      // 09:30 in Shanghai is 07:30 in Urumqi (UTC+6): too early there.
      baseAt: '2026-03-02T01:30:00.000Z',
      delayHours: 0,
      now: '2026-03-02T01:30:00.000Z',
    });
    expect(plan?.contact.dueAt).toBe('2026-03-02T03:00:00.000Z');
    expect(plan?.contact.zone).toBe('Asia/Urumqi');
  });

  it('makes a complaint follow-up a callback, ahead of new contacts', () => {
    const plan = planVisit({
      kind: 'complaintFollowUp',
      orderId: 'o-1',
      source: sourceContact({ numberType: 'fixedLine' }),
      visitCampaign,
      baseAt: '2026-03-02T02:00:00.000Z',
      delayHours: 4,
      now: '2026-03-02T02:00:00.000Z',
    });
    expect(plan?.priority).toBe('callback');
    expect(plan?.contact.state).toBe('callback');
    expect(plan?.contact.callback?.at).toBe(plan?.contact.dueAt);
    // 14:00 local is open; the 4 h delay from 10:00 lands exactly on it.
    expect(plan?.contact.dueAt).toBe('2026-03-02T06:00:00.000Z');
  });

  it('schedules nothing past the visit campaign deadline', () => {
    const ending = campaign(VISIT_ID, { purpose: 'returnVisit', deadline: '2026-03-03T12:00:00+08:00' });
    expect(
      planVisit({
        kind: 'satisfaction',
        orderId: 'o-1',
        source: sourceContact(),
        visitCampaign: ending,
        baseAt: '2026-03-02T02:30:00.000Z',
        delayHours: 48,
        now: '2026-03-02T02:30:00.000Z',
      }),
    ).toBeUndefined();
  });
});

describe('follow-through after a final order state', () => {
  const orderId = orderPlaced().orderId;

  it('a delivery schedules one satisfaction visit inside the window, and a duplicate delivery adds none', async () => {
    const w = await ordersWorld();
    await placeOrder(w.deps, orderPlaced());
    await updateOrder(w.deps, orderId, { status: 'outForDelivery', at: '2026-03-02T03:00:00+00:00' }, STORE);
    w.clock.set('2026-03-02T05:00:00.000Z');
    // Delivered Monday 12:40 local; +48 h = Wednesday 12:40 (lunch) → Wednesday 14:00 local.
    const r = await updateOrder(
      w.deps,
      orderId,
      { status: 'delivered', at: '2026-03-02T04:40:00+00:00', courierId: 'k-1' },
      STORE,
    );
    expect(r.order.followUp).toEqual({ campaignId: VISIT_ID, dueAt: '2026-03-04T06:00:00.000Z', kind: 'satisfaction' });
    const visit = w.store.visits.get(`${VISIT_ID}#${PHONE_KEY}`);
    expect(visit?.contact.dueAt).toBe('2026-03-04T06:00:00.000Z');
    expect(isOpenAt(visitCampaign.callingRules, new Date(visit?.contact.dueAt ?? ''), visit?.contact.zone)).toBe(true);
    const again = await updateOrder(w.deps, orderId, { status: 'delivered', courierId: 'k-1' }, STORE);
    expect(again.result).toBe('duplicate');
    expect(w.store.visits.size).toBe(1);
    // The agent hears of it: sold. The duplicate tells it again, identically (at least once: the first publish may
    // have failed after the transition committed); consumers drop repeats by orderId.
    const settled = w.events.ofType('OrderSettled').map((e) => e.detail);
    expect(settled).toMatchObject([
      { orderId, state: 'delivered', sold: true, agentId: 'agent-7', promiseMissed: false },
      { orderId, state: 'delivered', sold: true, agentId: 'agent-7', promiseMissed: false },
    ]);
    expect(settled[1]).toEqual(settled[0]);
  });

  it('tells the agent on the retry when the publish failed after the transition committed', async () => {
    const w = await ordersWorld();
    await placeOrder(w.deps, orderPlaced());
    await updateOrder(w.deps, orderId, { status: 'outForDelivery' }, STORE);
    w.events.failNext(1);
    const delivered = { status: 'delivered', courierId: 'k-1' };
    await expect(updateOrder(w.deps, orderId, delivered, STORE)).rejects.toThrow();
    expect((await w.store.get(orderId))?.state).toBe('delivered');
    expect(w.events.ofType('OrderSettled')).toHaveLength(0);
    const again = await updateOrder(w.deps, orderId, delivered, STORE);
    expect(again.result).toBe('duplicate');
    expect(w.events.ofType('OrderSettled').map((e) => e.detail)).toMatchObject([
      { orderId, state: 'delivered', sold: true },
    ]);
    // A late report of an earlier step publishes nothing: only the final state's own retry does.
    await updateOrder(w.deps, orderId, { status: 'outForDelivery' }, STORE);
    expect(w.events.ofType('OrderSettled')).toHaveLength(1);
  });

  it('a return schedules a complaint follow-up callback and tells the agent why', async () => {
    const w = await ordersWorld();
    await placeOrder(w.deps, orderPlaced());
    await updateOrder(w.deps, orderId, { status: 'outForDelivery', at: '2026-03-02T03:00:00+00:00' }, STORE);
    // Returned 16:00 local; +4 h = 20:00, the window's end → Tuesday 09:00 local.
    const r = await updateOrder(
      w.deps,
      orderId,
      { status: 'returned', at: '2026-03-02T08:00:00+00:00', reason: 'damaged', note: '外箱破损' },
      STORE,
    );
    expect(r.order.followUp).toEqual({
      campaignId: VISIT_ID,
      dueAt: '2026-03-03T01:00:00.000Z',
      kind: 'complaintFollowUp',
    });
    expect(w.store.visits.get(`${VISIT_ID}#${PHONE_KEY}`)?.priority).toBe('callback');
    expect(w.events.ofType('OrderSettled')[0]?.detail).toMatchObject({
      sold: false,
      reason: 'damaged',
      promiseMissed: true,
    });
  });

  it('schedules nothing for a number now on the do-not-call list', async () => {
    const w = await ordersWorld();
    w.store.contacts.set(`${SALES_ID}#${PHONE_KEY}`, { contact: sourceContact(), doNotCall: true });
    await placeOrder(w.deps, orderPlaced());
    await updateOrder(w.deps, orderId, { status: 'outForDelivery' }, STORE);
    const r = await updateOrder(w.deps, orderId, { status: 'delivered', courierId: 'k-1' }, STORE);
    expect(r.order.followUp).toBeUndefined();
    expect(w.store.visits.size).toBe(0);
  });
});

describe('return-visit disposition catalog', () => {
  it('is a valid campaign catalog with the five survey outcomes', () => {
    const parsed = campaignSpecSchema.shape.dispositions.parse(RETURN_VISIT_DISPOSITIONS);
    expect(parsed.map((d) => d.code)).toEqual(
      expect.arrayContaining(['SATISFIED', 'ISSUE_REPORTED', 'COMPLAINT', 'REFERRAL', 'REPURCHASE_INTEREST']),
    );
    const complaint = parsed.find((d) => d.code === 'COMPLAINT');
    // Counted as a complaint, followed up as a callback, not a do-not-call.
    expect(complaint).toMatchObject({ complaint: true, callback: true, final: false, doNotCall: false });
  });
});
