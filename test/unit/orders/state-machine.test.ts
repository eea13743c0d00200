import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTER_FIELDS, type Counters, sumCounters } from '#shared/domain/counters';
import { TransitionRefusedError } from '#shared/domain/errors';
import {
  allowedNext,
  decideUpdate,
  FINAL_ORDER_STATES,
  ORDER_STATES,
  type OrderUpdate,
  orderCounters,
} from '#shared/domain/orders/order';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { orderPlaced, ordersWorld, PHONE_KEY, SALES_ID, STORE } from '#test/unit/orders/world';

describe('order state machine', () => {
  it('applies legal steps, ignores duplicates and late steps, refuses the impossible', () => {
    expect(decideUpdate('placed', 'packed')).toEqual({ kind: 'apply' });
    expect(decideUpdate('placed', 'outForDelivery')).toEqual({ kind: 'apply' });
    expect(decideUpdate('outForDelivery', 'returned')).toEqual({ kind: 'apply' });
    expect(decideUpdate('packed', 'packed')).toEqual({ kind: 'duplicate' });
    expect(decideUpdate('delivered', 'delivered')).toEqual({ kind: 'duplicate' });
    // A late "packed" after dispatch or delivery is already implied by the history.
    expect(decideUpdate('outForDelivery', 'packed')).toEqual({ kind: 'stale' });
    expect(decideUpdate('delivered', 'outForDelivery')).toEqual({ kind: 'stale' });
    expect(decideUpdate('returned', 'packed')).toEqual({ kind: 'stale' });
    expect(decideUpdate('placed', 'delivered')).toEqual({
      kind: 'refused',
      allowed: ['packed', 'outForDelivery', 'cancelled'],
    });
    expect(decideUpdate('outForDelivery', 'cancelled')).toEqual({
      kind: 'refused',
      allowed: ['delivered', 'returned'],
    });
    expect(decideUpdate('delivered', 'returned')).toEqual({ kind: 'refused', allowed: [] });
    expect(decideUpdate('cancelled', 'packed')).toEqual({ kind: 'refused', allowed: [] });
    expect(decideUpdate('returned', 'delivered')).toEqual({ kind: 'refused', allowed: [] });
  });

  it('final states allow nothing', () => {
    for (const s of FINAL_ORDER_STATES) expect(allowedNext(s)).toEqual([]);
  });

  it('a duplicate update through the use case is a no-op and a refused one is a 409 with the allowed states', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    expect((await updateOrder(w.deps, orderId, { status: 'packed' }, STORE)).result).toBe('applied');
    const eventsBefore = (await w.store.history(orderId)).length;
    const again = await updateOrder(w.deps, orderId, { status: 'packed' }, STORE);
    expect(again.result).toBe('duplicate');
    expect(await w.store.history(orderId)).toHaveLength(eventsBefore);
    const refused = updateOrder(w.deps, orderId, { status: 'delivered', courierId: 'k-1' }, STORE);
    await expect(refused).rejects.toBeInstanceOf(TransitionRefusedError);
    await expect(refused).rejects.toMatchObject({ state: 'packed', allowed: ['outForDelivery', 'cancelled'] });
  });

  it('a lost race re-reads and applies once', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    w.store.loseNextRace = true;
    const r = await updateOrder(w.deps, orderId, { status: 'outForDelivery' }, STORE);
    expect(r.result).toBe('applied');
    expect((await w.store.history(orderId)).map((e) => e.to)).toEqual(['placed', 'outForDelivery']);
  });

  it('refuses callers outside the store', async () => {
    const w = await ordersWorld();
    await placeOrder(w.deps, orderPlaced());
    await expect(
      updateOrder(w.deps, orderPlaced().orderId, { status: 'packed' }, { id: 'a', roles: ['agent'] }),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
  });
});

const updateArb: fc.Arbitrary<OrderUpdate> = fc.oneof(
  fc.constantFrom<OrderUpdate>({ status: 'packed' }, { status: 'outForDelivery' }, { status: 'cancelled' }),
  fc.record({ status: fc.constant('delivered' as const), courierId: fc.constantFrom('k-1', 'k-2') }),
  fc.record({
    status: fc.constant('returned' as const),
    reason: fc.constantFrom('refused' as const, 'damaged' as const),
  }),
);

describe('random update sequences (property)', () => {
  it('never reach an illegal state, and counters equal the sum over orders of their final state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), updateArb), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 500_00 }), { minLength: 4, maxLength: 4 }),
        async (updates, amounts) => {
          const w = await ordersWorld({ fulfilmentEmail: undefined });
          const ids: string[] = [];
          for (const [i, cents] of amounts.entries()) {
            const detail = orderPlaced({
              orderId: `${SALES_ID}.${PHONE_KEY}.${i + 1}`,
              attempt: i + 1,
              amount: cents / 100,
            });
            await placeOrder(w.deps, detail);
            // Redelivered OrderPlaced: must not count twice.
            await placeOrder(w.deps, detail);
            ids.push(detail.orderId);
          }
          for (const [which, update] of updates) {
            const id = ids[which] as string;
            const before = (await w.store.get(id))?.state;
            try {
              const r = await updateOrder(w.deps, id, update, STORE);
              if (r.result === 'applied') expect(allowedNext(before ?? 'placed')).toContain(update.status);
              else expect(r.order.state).toBe(before);
            } catch (error) {
              expect(error).toBeInstanceOf(TransitionRefusedError);
              expect((await w.store.get(id))?.state).toBe(before);
            }
          }
          const expected: Counters[] = [];
          let returned = 0;
          let delivered = 0;
          for (const id of ids) {
            const order = await w.store.get(id);
            if (!order) throw new Error('order lost');
            expect(ORDER_STATES).toContain(order.state);
            const history = await w.store.history(id);
            // Every recorded step was legal from the step before it.
            for (const e of history.slice(1)) expect(allowedNext(e.from ?? 'placed')).toContain(e.to);
            expect(history.at(-1)?.to).toBe(order.state);
            expected.push(orderCounters(order.state, order.amountCents));
            if (order.state === 'returned') returned++;
            if (order.state === 'delivered') delivered++;
          }
          const want = sumCounters(expected);
          const got = await w.store.counters('CAMPAIGN', SALES_ID, '2000-01-01', '2999-12-31');
          for (const f of COUNTER_FIELDS) expect(got[f] ?? 0).toBe(want[f] ?? 0);
          const agent = await w.store.counters('AGENT', 'agent-7', '2000-01-01', '2999-12-31');
          expect(agent).toEqual(got);
          const reasons = await w.store.returnReasons(SALES_ID, '2000-01-01', '2999-12-31');
          expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(returned);
          const courier = [
            ...(await w.store.courierDays('k-1', '2000-01-01', '2999-12-31')),
            ...(await w.store.courierDays('k-2', '2000-01-01', '2999-12-31')),
          ];
          expect(courier.reduce((s, d) => s + d.deliveries, 0)).toBe(delivered);
        },
      ),
      { numRuns: 150 },
    );
  });
});
