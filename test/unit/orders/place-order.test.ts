import { describe, expect, it } from 'vitest';
import { FORM_CLAIM_STALE_MS, FormSendBusyError, placeOrder } from '#shared/use-cases/orders/place-order';
import { agentReport } from '#shared/use-cases/orders/queries';
import { AGENT, orderPlaced, ordersWorld, SALES_ID } from '#test/unit/orders/world';

describe('placeOrder', () => {
  it('creates one order per attemptRef, counts it once and e-mails the form once', async () => {
    const w = await ordersWorld();
    const first = await placeOrder(w.deps, orderPlaced());
    const again = await placeOrder(w.deps, orderPlaced());
    expect(first).toMatchObject({ status: 'created', form: 'sent' });
    expect(again).toMatchObject({ status: 'exists', form: 'alreadySent' });
    if (first.status === 'unknownCampaign') throw new Error('unexpected');
    expect(first.order).toMatchObject({
      amountCents: 6490,
      day: '2026-03-02',
      state: 'placed',
      payment: 'cashOnDelivery',
      customer: { name: '王先生', phone: '+8613800138000' },
      // 4 hours from the order by default.
      promiseAt: '2026-03-02T06:14:30.000Z',
    });
    expect(await w.store.counters('CAMPAIGN', SALES_ID, '2026-03-02', '2026-03-02')).toEqual({
      orders: 1,
      salesCents: 6490,
    });
    expect(w.mailer.sent).toHaveLength(1);
    expect(w.mailer.sent[0]?.to).toEqual(['store@example.com']);
    expect(w.store.forms.get(first.order.orderId)?.html).toContain('电话营销预订单');
  });

  it('releases the claim when the mail fails, so the redelivered event sends it', async () => {
    const w = await ordersWorld();
    w.mailer.failures = 1;
    await expect(placeOrder(w.deps, orderPlaced())).rejects.toThrow('simulated');
    expect(await placeOrder(w.deps, orderPlaced())).toMatchObject({ status: 'exists', form: 'sent' });
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('a claim another run holds unconfirmed is not "sent": the retry throws to be retried, then takes it over', async () => {
    const w = await ordersWorld();
    const realSend = w.mailer.send.bind(w.mailer);
    // The first run's Lambda is killed in the middle of the SES call: the promise never settles, no catch runs.
    w.mailer.send = () => new Promise<void>(() => {});
    void placeOrder(w.deps, orderPlaced());
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(w.markers.items.size).toBe(1);
    w.mailer.send = realSend;
    // A redelivery while the claim may still be live (within the function's timeout): retry later, never "sent".
    w.clock.advance(20_000);
    await expect(placeOrder(w.deps, orderPlaced())).rejects.toBeInstanceOf(FormSendBusyError);
    expect(w.mailer.sent).toHaveLength(0);
    // Lambda's async retry, a minute after the run died: the claim is stale, so this run sends the form.
    w.clock.advance(60_000);
    expect(await placeOrder(w.deps, orderPlaced())).toMatchObject({ status: 'exists', form: 'sent' });
    expect(w.mailer.sent).toHaveLength(1);
    expect(await placeOrder(w.deps, orderPlaced())).toMatchObject({ form: 'alreadySent' });
  });

  it("takes an unconfirmed claim over before Lambda's first async retry, never while its sender may still run", () => {
    // The OrderPlaced function times out after 30 s (infra/constructs/orders.ts); Lambda retries an async event
    // after 1 and then 2 more minutes.
    expect(FORM_CLAIM_STALE_MS).toBeGreaterThan(30_000);
    expect(FORM_CLAIM_STALE_MS).toBeLessThan(60_000);
  });

  it('uses the items when the sale carries no total, and drops a sale of an unknown campaign', async () => {
    const w = await ordersWorld();
    const r = await placeOrder(w.deps, orderPlaced({ amount: undefined }));
    expect(r.status === 'created' && r.order.amountCents).toBe(2 * 1250 + 3990);
    expect(await placeOrder(w.deps, orderPlaced({ campaignId: 'c-unknown000001' }))).toEqual({
      status: 'unknownCampaign',
    });
  });

  it('refuses a sale without items (nothing to deliver)', async () => {
    const w = await ordersWorld();
    await expect(placeOrder(w.deps, orderPlaced({ items: [] }))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it("gives the agent their 报告单 and hides others' orders", async () => {
    const w = await ordersWorld();
    await placeOrder(w.deps, orderPlaced());
    const report = await agentReport(w.deps, AGENT, 'agent-7', '2026-03-01', '2026-03-31');
    expect(report.lines).toMatchObject([{ state: 'placed', final: false, sold: false, commissionCents: 0 }]);
    expect(JSON.stringify(report)).not.toContain('+8613800138000');
    await expect(agentReport(w.deps, AGENT, 'agent-8', '2026-03-01', '2026-03-31')).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
  });
});
