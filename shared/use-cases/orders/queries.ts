import { NotFoundError, ValidationError } from '#shared/domain/errors';
import { type OrderActor, requireOrderReader, requireReaderOf } from '#shared/domain/orders/access';
import {
  bonusOfNthDeliveryCents,
  commissionCents,
  courierDayBonusCents,
  followThroughOf,
  type OrderFigures,
  orderFigures,
} from '#shared/domain/orders/incentives';
import { FINAL_ORDER_STATES, type Order, type OrderEvent, promiseMissed } from '#shared/domain/orders/order';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';

/** Longest span of days one report query may cover. */
export const MAX_REPORT_DAYS = 92;

export interface OrderView {
  order: Order;
  /** Computed on read: see `promiseMissed`. */
  promiseMissed: boolean;
  history: OrderEvent[];
}

/** An order with its history, for the store, a manager, or the agent who took it. */
export async function getOrder(deps: FulfilmentDeps, orderId: string, actor: OrderActor): Promise<OrderView> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError(`no order ${orderId}`);
  requireReaderOf(actor, order);
  return { order, promiseMissed: promiseMissed(order, deps.clock.now()), history: await deps.orders.history(orderId) };
}

/** A campaign's orders of one day (the store's work list), each with its promise status. */
export async function listCampaignDayOrders(
  deps: FulfilmentDeps,
  actor: OrderActor,
  campaignId: string,
  day: string,
): Promise<{ items: (Order & { promiseMissed: boolean })[] }> {
  requireOrderReader(actor);
  const now = deps.clock.now();
  const orders = await deps.orders.listByCampaignDay(campaignId, day);
  return { items: orders.map((o) => ({ ...o, promiseMissed: promiseMissed(o, now) })) };
}

/** One line of the agent's 报告单: how each order they took ended. No address, no number. */
export interface AgentReportLine {
  orderId: string;
  campaignId: string;
  day: string;
  state: Order['state'];
  final: boolean;
  sold: boolean;
  amountCents: number;
  returnReason?: Order['returnReason'];
  note?: string;
  promiseMissed: boolean;
  /** Commission this order earned (delivered orders only), at its campaign's rate. */
  commissionCents: number;
  followUp?: Order['followUp'];
}

export interface AgentReport {
  agentId: string;
  from: string;
  to: string;
  lines: AgentReportLine[];
  totals: { orders: number; delivered: number; returned: number; cancelled: number; deliveredCents: number };
  commissionCents: number;
}

/**
 * The agent's 报告单 for days `from`..`to`: every order they took and how it ended (sold or returned, and why), with
 * the commission on delivered sales. The agent reads their own; readers read anyone's.
 */
export async function agentReport(
  deps: FulfilmentDeps,
  actor: OrderActor,
  agentId: string,
  from: string,
  to: string,
): Promise<AgentReport> {
  requireReaderOf(actor, { agentId });
  checkSpan(from, to);
  const orders = await deps.orders.listByAgent(agentId, from, to);
  const rates = new Map<string, number>();
  for (const id of new Set(orders.map((o) => o.campaignId))) {
    const campaign = await deps.campaigns.get(id);
    rates.set(id, followThroughOf(campaign ?? {}).commissionBasisPoints);
  }
  const now = deps.clock.now();
  const lines = orders.map((o): AgentReportLine => {
    const sold = o.state === 'delivered';
    return {
      orderId: o.orderId,
      campaignId: o.campaignId,
      day: o.day,
      state: o.state,
      final: FINAL_ORDER_STATES.includes(o.state),
      sold,
      amountCents: o.amountCents,
      ...(o.returnReason !== undefined ? { returnReason: o.returnReason } : {}),
      ...(o.note !== undefined ? { note: o.note } : {}),
      promiseMissed: promiseMissed(o, now),
      commissionCents: sold ? commissionCents(o.amountCents, rates.get(o.campaignId) ?? 100) : 0,
      ...(o.followUp ? { followUp: o.followUp } : {}),
    };
  });
  const count = (state: Order['state']) => orders.filter((o) => o.state === state).length;
  const delivered = orders.filter((o) => o.state === 'delivered');
  return {
    agentId,
    from,
    to,
    lines,
    totals: {
      orders: orders.length,
      delivered: delivered.length,
      returned: count('returned'),
      cancelled: count('cancelled'),
      deliveredCents: delivered.reduce((s, o) => s + o.amountCents, 0),
    },
    // Per order, so campaigns with different rates add up exactly as each line shows.
    commissionCents: lines.reduce((s, l) => s + l.commissionCents, 0),
  };
}

/** The campaign's order figures over days `from`..`to` (by order day), from counters only. */
export async function campaignOrderReport(
  deps: FulfilmentDeps,
  actor: OrderActor,
  campaignId: string,
  from: string,
  to: string,
): Promise<OrderFigures & { campaignId: string; from: string; to: string; commissionBasisPoints: number }> {
  requireOrderReader(actor);
  checkSpan(from, to);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`);
  const bp = followThroughOf(campaign).commissionBasisPoints;
  const [counters, reasons] = await Promise.all([
    deps.orders.counters('CAMPAIGN', campaignId, from, to),
    deps.orders.returnReasons(campaignId, from, to),
  ]);
  return { campaignId, from, to, commissionBasisPoints: bp, ...orderFigures(counters, reasons, bp) };
}

export interface CourierReport {
  courierId: string;
  days: { day: string; deliveries: number; bonusCents: number; lastDeliveryBonusCents: number }[];
  bonusCents: number;
}

/** A courier's deliveries and bonus per day (store zone), under the campaign's bonus policy. */
export async function courierReport(
  deps: FulfilmentDeps,
  actor: OrderActor,
  courierId: string,
  campaignId: string,
  from: string,
  to: string,
): Promise<CourierReport> {
  requireOrderReader(actor);
  checkSpan(from, to);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`);
  const policy = followThroughOf(campaign).courierBonus;
  const days = (await deps.orders.courierDays(courierId, from, to)).map((d) => ({
    ...d,
    bonusCents: courierDayBonusCents(d.deliveries, policy),
    lastDeliveryBonusCents: bonusOfNthDeliveryCents(d.deliveries, policy),
  }));
  return { courierId, days, bonusCents: days.reduce((s, d) => s + d.bonusCents, 0) };
}

function checkSpan(from: string, to: string): void {
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!(span >= 0) || span > MAX_REPORT_DAYS) {
    throw new ValidationError('invalid day range', [
      { path: 'to', message: `must be on or after from, at most ${MAX_REPORT_DAYS} days later` },
    ]);
  }
}
