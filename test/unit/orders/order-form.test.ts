import { describe, expect, it } from 'vitest';
import type { Order } from '#shared/domain/orders/order';
import { renderOrderForm } from '#shared/templates/orders/order-form';

const order: Order = {
  orderId: 'c-sales00000001.key.1',
  campaignId: 'c-sales00000001',
  phoneKey: 'key',
  attempt: 1,
  agentId: 'agent-7',
  items: [{ sku: 'MILK-1L', name: '鲜牛奶 <1L>', quantity: 2, unitPriceCents: 1250 }],
  amountCents: 2500,
  currency: 'CNY',
  deliveryAddress: '上海市 "世纪大道" & 100 号',
  payment: 'cashOnDelivery',
  customer: { name: '王先生', phone: '+8613800138000' },
  day: '2026-03-02',
  storeZone: 'Asia/Shanghai',
  state: 'placed',
  version: 1,
  placedAt: '2026-03-02T02:14:30.000Z',
  updatedAt: '2026-03-02T02:14:30.000Z',
  promiseAt: '2026-03-02T06:14:30.000Z',
};

describe('order form', () => {
  it('has the fixed fields in text and HTML, times in the store zone, and escapes what the agent typed', () => {
    const form = renderOrderForm(order, { campaignName: '每天乐源', to: 'store@example.com' });
    expect(form.subject).toBe('电话营销预订单 Order form c-sales00000001.key.1');
    expect(form.text).toContain('下单时间 Placed: 2026-03-02 10:14 (Asia/Shanghai)');
    expect(form.text).toContain('承诺送达 Promised by: 2026-03-02 14:14');
    expect(form.text).toContain('合计 Total: 25.00 CNY');
    expect(form.text).toContain('付款方式 Payment: 货到付款');
    expect(form.html).toContain('<meta charset="utf-8">');
    expect(form.html).toContain('鲜牛奶 &lt;1L&gt;');
    expect(form.html).toContain('上海市 &quot;世纪大道&quot; &amp; 100 号');
    expect(form.html).not.toContain('<1L>');
    expect(form.html).toContain('@page { size: A4');
  });
});
