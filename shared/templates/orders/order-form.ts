import { DateTime } from 'luxon';
import type { Order } from '#shared/domain/orders/order';
import type { MailMessage } from '#shared/ports/mailer';

/**
 * The order form (电话营销预订单) e-mailed to the store's customer service: the same fixed layout in plain text and
 * in printable HTML (one A4 page, no images, no scripts). Times are shown in the store's zone.
 */
export function renderOrderForm(order: Order, ctx: { campaignName: string; to: string }): MailMessage {
  const time = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(order.storeZone).toFormat('yyyy-MM-dd HH:mm');
  const money = (cents: number) => `${(cents / 100).toFixed(2)} ${order.currency}`;
  const fields: [string, string][] = [
    ['订单号 Order', order.orderId],
    ['项目 Campaign', ctx.campaignName],
    ['下单时间 Placed', `${time(order.placedAt)} (${order.storeZone})`],
    ['客户 Customer', order.customer.name ?? '—'],
    ['电话 Phone', order.customer.phone ?? '—'],
    ['送货地址 Address', order.deliveryAddress ?? '—'],
    ['送货时间 Delivery time', order.deliveryWindow ?? '—'],
    ['承诺送达 Promised by', time(order.promiseAt)],
    ['付款方式 Payment', '货到付款 / cash on delivery'],
    ['坐席 Agent', order.agentId ?? '—'],
  ];
  const lines = order.items.map((item) => {
    const unit = item.unitPriceCents;
    return {
      sku: item.sku,
      name: item.name ?? '',
      quantity: String(item.quantity),
      unit: unit === undefined ? '' : money(unit),
      subtotal: unit === undefined ? '' : money(unit * item.quantity),
    };
  });
  const subject = `电话营销预订单 Order form ${order.orderId}`;
  const text = [
    '电话营销预订单 / ORDER FORM',
    '',
    ...fields.map(([k, v]) => `${k}: ${v}`),
    '',
    '商品 Items:',
    ...lines.map((l) => `  ${l.sku}  ${l.name}  x${l.quantity}  ${l.unit}  ${l.subtotal}`.trimEnd()),
    '',
    `合计 Total: ${money(order.amountCents)}`,
    '',
    '请在配送后通过 outcall 记录送达或退货（含原因）。',
    'Record delivery or return (with its reason) in outcall after dispatch.',
  ].join('\n');
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(subject)}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 11pt; color: #000; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 10pt; }
th, td { border: 1px solid #000; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { width: 30%; background: #eee; }
td.n { text-align: right; }
</style></head>
<body>
<h1>电话营销预订单 / Order form</h1>
<table class="fields">
${fields.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n')}
</table>
<table class="items">
<tr><th>SKU</th><th>商品 Item</th><th>数量 Qty</th><th>单价 Unit</th><th>小计 Subtotal</th></tr>
${lines
  .map(
    (l) =>
      `<tr><td>${esc(l.sku)}</td><td>${esc(l.name)}</td><td class="n">${esc(l.quantity)}</td><td class="n">${esc(
        l.unit,
      )}</td><td class="n">${esc(l.subtotal)}</td></tr>`,
  )
  .join('\n')}
<tr><th colspan="4">合计 Total</th><td class="n">${esc(money(order.amountCents))}</td></tr>
</table>
<p>请在配送后通过 outcall 记录送达或退货（含原因）。<br>Record delivery or return (with its reason) in outcall after dispatch.</p>
</body></html>
`;
  return { to: [ctx.to], subject, text, html };
}

function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
