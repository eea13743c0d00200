import type { OrderPlacedInput } from '#events/orders';
import type { Campaign } from '#shared/domain/campaign';
import { issuesFrom, ValidationError } from '#shared/domain/errors';
import { followThroughOf, localDate, storeZoneOf } from '#shared/domain/orders/incentives';
import { type Order, type OrderEvent, orderCounters, orderSchema } from '#shared/domain/orders/order';
import type { CounterAdd } from '#shared/ports/order-store';
import { renderOrderForm } from '#shared/templates/orders/order-form';
import type { OrderDeps } from '#shared/use-cases/orders/deps';

/**
 * A claimed but unconfirmed order-form marker older than this is taken over: its sender is dead. Longer than the
 * OrderPlaced function's 30 s timeout (infra/constructs/orders.ts), so a live sender's claim is never taken; shorter
 * than the 1 minute Lambda waits before its first async retry, so that retry of a run killed mid-send takes it over
 * (the second retry comes 2 minutes later; after that the event goes to the dead-letter queue).
 */
export const FORM_CLAIM_STALE_MS = 45_000;

/**
 * Another run holds the order form's claim and has not confirmed it: it may still be sending, or it died mid-send.
 * Not "sent": the event must be retried (Lambda's async retry, then the DLQ) until the claim is confirmed or stale.
 */
export class FormSendBusyError extends Error {
  override readonly name = 'FormSendBusyError';
}

export type FormStatus = 'sent' | 'alreadySent' | 'noRecipient';

export type PlaceOrderResult =
  | { status: 'created' | 'exists'; order: Order; form: FormStatus }
  | { status: 'unknownCampaign' };

const HOUR_MS = 3_600_000;

/**
 * Turns a sale's `OrderPlaced` into an order, once per `orderId` (the attempt's ref), and e-mails its order form to
 * the campaign's `fulfilmentEmail` once. A redelivered event finds the order and only finishes what a crash may have
 * left undone (the form).
 *
 * @throws ValidationError when the event cannot make a valid order (no items, negative amount): retrying cannot help.
 * @throws FormSendBusyError when another run holds the form's claim unconfirmed: the event must be retried.
 */
export async function placeOrder(deps: OrderDeps, detail: OrderPlacedInput): Promise<PlaceOrderResult> {
  const campaign = await deps.campaigns.get(detail.campaignId);
  if (!campaign) return { status: 'unknownCampaign' };
  let order = await deps.orders.get(detail.orderId);
  let status: 'created' | 'exists' = 'exists';
  if (!order) {
    const built = await buildOrder(deps, detail, campaign);
    const event: OrderEvent = {
      orderId: built.orderId,
      version: 1,
      to: 'placed',
      at: built.placedAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: built.agentId ?? 'outcomes',
    };
    if (await deps.orders.create(built, event, countersFor(built, orderCounters('placed', built.amountCents)))) {
      order = built;
      status = 'created';
    } else {
      order = await deps.orders.get(detail.orderId);
      if (!order) throw new Error(`order ${detail.orderId} neither created nor found`);
    }
  }
  const form = await sendOrderForm(deps, order, campaign);
  return { status, order, form };
}

async function buildOrder(deps: OrderDeps, detail: OrderPlacedInput, campaign: Campaign): Promise<Order> {
  const settings = followThroughOf(campaign);
  const source = await deps.orders.sourceContact(detail.campaignId, detail.phoneKey);
  const items = detail.items.map((item) => ({
    sku: item.sku,
    ...(item.name !== undefined ? { name: item.name } : {}),
    quantity: item.quantity,
    ...(item.unitPrice !== undefined ? { unitPriceCents: Math.round(item.unitPrice * 100) } : {}),
  }));
  // The agent's total wins (it may include a discount); the items' sum stands in when none was given.
  const amountCents =
    detail.amount !== undefined
      ? Math.round(detail.amount * 100)
      : items.reduce((sum, item) => sum + (item.unitPriceCents ?? 0) * item.quantity, 0);
  const placedAt = new Date(detail.placedAt).toISOString();
  const candidate = {
    orderId: detail.orderId,
    campaignId: detail.campaignId,
    phoneKey: detail.phoneKey,
    attempt: detail.attempt,
    connectContactId: detail.connectContactId,
    ...(detail.agentId !== undefined ? { agentId: detail.agentId } : {}),
    items,
    amountCents,
    currency: detail.currency ?? 'CNY',
    ...(detail.deliveryAddress !== undefined ? { deliveryAddress: detail.deliveryAddress } : {}),
    ...(detail.deliveryWindow !== undefined ? { deliveryWindow: detail.deliveryWindow } : {}),
    payment: 'cashOnDelivery',
    customer: {
      ...(source?.contact.attributes.name !== undefined ? { name: source.contact.attributes.name } : {}),
      ...(source ? { phone: source.contact.e164 } : {}),
    },
    day: localDate(placedAt, campaign.callingRules.timeZone),
    storeZone: storeZoneOf(campaign),
    state: 'placed',
    version: 1,
    placedAt,
    updatedAt: deps.clock.now().toISOString(),
    promiseAt: new Date(Date.parse(placedAt) + settings.deliveryPromiseHours * HOUR_MS).toISOString(),
  };
  const parsed = orderSchema.safeParse(candidate);
  if (!parsed.success) throw new ValidationError('the sale cannot become an order', issuesFrom(parsed.error.issues));
  return parsed.data;
}

/** The counter items an order's figures go to: its campaign's day and its agent's day (the order's day). */
export function countersFor(order: Order, values: CounterAdd['values']): CounterAdd[] {
  if (Object.keys(values).length === 0) return [];
  const out: CounterAdd[] = [{ scope: 'CAMPAIGN', id: order.campaignId, day: order.day, values }];
  if (order.agentId) out.push({ scope: 'AGENT', id: order.agentId, day: order.day, values });
  return out;
}

/**
 * Sends the order form once per order and store address: claim the marker, send, store the form, confirm. A failed
 * send releases the claim and throws, so the event's retry sends it; a claim another run holds unconfirmed throws
 * {@link FormSendBusyError} so the event is retried until that claim is confirmed or stale (a run killed mid-send
 * never releases it). A crash after the send and before the confirm may send it a second time after
 * {@link FORM_CLAIM_STALE_MS}, which a store can recognise by the order number.
 *
 * @throws FormSendBusyError when another run holds the claim: retry later
 */
export async function sendOrderForm(deps: OrderDeps, order: Order, campaign: Campaign): Promise<FormStatus> {
  const to = campaign.fulfilmentEmail;
  if (!to) return 'noRecipient';
  const marker = { kind: 'ORDERFORM', scope: order.campaignId, period: order.orderId, recipient: to };
  const now = deps.clock.now();
  const claim = await deps.markers.claim(marker, now, new Date(now.getTime() - FORM_CLAIM_STALE_MS));
  if (claim === 'sent') return 'alreadySent';
  if (claim === 'busy') throw new FormSendBusyError(`the order form of ${order.orderId} is claimed by another run`);
  const form = renderOrderForm(order, { campaignName: campaign.name, to });
  try {
    await deps.mailer.send(form);
  } catch (error) {
    await deps.markers.release(marker);
    throw error;
  }
  await deps.orders.saveForm(order.orderId, { subject: form.subject, text: form.text, html: form.html, to });
  await deps.markers.confirm(marker, deps.clock.now());
  return 'sent';
}
