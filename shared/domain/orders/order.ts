import * as z from 'zod';
import type { Counters } from '#shared/domain/counters';

/**
 * An order (电话营销预订单) that a sale disposition creates, and the fulfilment state machine it follows
 * (docs/orders.md):
 *
 *   placed → packed → outForDelivery → delivered | returned
 *   placed → outForDelivery            (a store may pack and dispatch in one go)
 *   placed | packed → cancelled
 *
 * delivered, returned and cancelled are final. A return is recorded by the courier at the door (退货单).
 */
export const ORDER_STATES = ['placed', 'packed', 'outForDelivery', 'delivered', 'returned', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const FINAL_ORDER_STATES: readonly OrderState[] = ['delivered', 'returned', 'cancelled'];

/** States an update may ask for (an order is never placed by an update). */
export const ORDER_UPDATE_STATES = ['packed', 'outForDelivery', 'delivered', 'returned', 'cancelled'] as const;
export type OrderUpdateState = (typeof ORDER_UPDATE_STATES)[number];

const NEXT: Record<OrderState, readonly OrderUpdateState[]> = {
  placed: ['packed', 'outForDelivery', 'cancelled'],
  packed: ['outForDelivery', 'cancelled'],
  outForDelivery: ['delivered', 'returned'],
  delivered: [],
  returned: [],
  cancelled: [],
};

/** Position on the delivery path; cancelled is off the path. */
const PATH_RANK: Partial<Record<OrderState, number>> = {
  placed: 0,
  packed: 1,
  outForDelivery: 2,
  delivered: 3,
  returned: 3,
};

/** The states an order in `state` may move to next. */
export function allowedNext(state: OrderState): readonly OrderUpdateState[] {
  return NEXT[state];
}

/** Why a courier brought an order back (退货原因). */
export const RETURN_REASONS = [
  'refused',
  'notHome',
  'damaged',
  'wrongItem',
  'quality',
  'priceDispute',
  'changedMind',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/**
 * What an update does to an order in `current`:
 * - `apply`: a legal next state;
 * - `duplicate`: the order is in that state already (a resent update): nothing changes;
 * - `stale`: a late report of a step the order has already gone past on the delivery path (e.g. "packed" arriving
 *   after "out for delivery"): nothing changes, the history already implies it;
 * - `refused`: impossible (e.g. delivered after a cancellation, cancelled after dispatch): 409 with `allowed`.
 */
export type UpdateDecision =
  | { kind: 'apply' }
  | { kind: 'duplicate' }
  | { kind: 'stale' }
  | { kind: 'refused'; allowed: readonly OrderUpdateState[] };

export function decideUpdate(current: OrderState, target: OrderUpdateState): UpdateDecision {
  if (current === target) return { kind: 'duplicate' };
  if (NEXT[current].includes(target)) return { kind: 'apply' };
  const rankNow = PATH_RANK[current];
  const rankTarget = PATH_RANK[target];
  if (rankNow !== undefined && rankTarget !== undefined && rankTarget < rankNow) return { kind: 'stale' };
  return { kind: 'refused', allowed: NEXT[current] };
}

/**
 * The counter values one order contributes in `state` (docs/orders.md). A transition adds
 * `orderCounters(to) − orderCounters(from)`, so the counters always equal the sum over orders of their current state,
 * whatever the path.
 */
export function orderCounters(state: OrderState, amountCents: number): Counters {
  const c: Counters = { orders: 1, salesCents: amountCents };
  if (state === 'delivered') {
    c.ordersDelivered = 1;
    c.deliveredCents = amountCents;
  }
  if (state === 'returned') c.ordersReturned = 1;
  if (state === 'cancelled') c.ordersCancelled = 1;
  return c;
}

export const orderItemSchema = z.object({
  sku: z.string().min(1).max(100),
  name: z.string().max(200).optional(),
  quantity: z.number().int().min(1).max(10_000),
  unitPriceCents: z.number().int().min(0).optional(),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

const iso = z.string().min(1);

/**
 * An order number's shape. Checked before a typed-in id (a CSV cell) is read: a longer one would be refused by
 * DynamoDB as a key (a partition key is at most 2048 bytes) instead of simply not being found.
 */
export const orderIdSchema = z.string().regex(/^[a-zA-Z0-9_\-.]{1,200}$/);

export const orderSchema = z.object({
  /** The sale attempt's `attemptRef` (`<campaignId>.<phoneKey>.<n>`): one order per sale, whatever the redelivery. */
  orderId: orderIdSchema,
  campaignId: z.string(),
  phoneKey: z.string(),
  attempt: z.number().int().min(1),
  connectContactId: z.string().optional(),
  agentId: z.string().optional(),
  items: z.array(orderItemSchema).min(1),
  amountCents: z.number().int().min(0),
  currency: z.string().default('CNY'),
  /** Personal data: shown to the store and the agent, never logged. */
  deliveryAddress: z.string().max(500).optional(),
  /** The delivery time the customer asked for, in their words (e.g. "今天 18:00 前"). */
  deliveryWindow: z.string().max(200).optional(),
  /** The store collects on delivery (货到付款). */
  payment: z.literal('cashOnDelivery').default('cashOnDelivery'),
  /** Personal data for the store's courier, from the contact; never logged. */
  customer: z.object({ name: z.string().optional(), phone: z.string().optional() }).default({}),
  /** Local day of `placedAt` in the campaign's zone: the counters' and the gsi1 day. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The store's zone: a courier's day is read in it. */
  storeZone: z.string(),
  state: z.enum(ORDER_STATES),
  /** Increases by one on every transition; transitions are conditional on it. */
  version: z.number().int().min(1),
  placedAt: iso,
  updatedAt: iso,
  packedAt: iso.optional(),
  dispatchedAt: iso.optional(),
  deliveredAt: iso.optional(),
  returnedAt: iso.optional(),
  cancelledAt: iso.optional(),
  /** When delivery is promised by: order (or dispatch) + the campaign's promise hours. */
  promiseAt: iso,
  courierId: z.string().optional(),
  returnReason: z.enum(RETURN_REASONS).optional(),
  /** Free text of the return or cancellation (退货说明). */
  note: z.string().max(1000).optional(),
  /** Who recorded the final state (courier, store clerk, admin). */
  recordedBy: z.string().optional(),
  /** The visit scheduled after the final state, when one was. */
  followUp: z.object({ campaignId: z.string(), dueAt: iso, kind: z.string() }).optional(),
});
export type Order = z.infer<typeof orderSchema>;

/** One line of an order's history (`ORDER#<id>` / `EVENT#<iso>#<seq>`). */
export const orderEventSchema = z.object({
  orderId: z.string(),
  version: z.number().int().min(1),
  from: z.enum(ORDER_STATES).optional(),
  to: z.enum(ORDER_STATES),
  /** When it happened according to the reporter (courier scan, CSV row); else when it was recorded. */
  at: iso,
  recordedAt: iso,
  actor: z.string(),
  reason: z.string().optional(),
  note: z.string().optional(),
  courierId: z.string().optional(),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** A fulfilment update as the API or a CSV row gives it. */
export const orderUpdateSchema = z
  .object({
    status: z.enum(ORDER_UPDATE_STATES),
    /** When it happened (ISO with offset); defaults to when it is recorded. */
    at: z.iso.datetime({ offset: true }).optional(),
    reason: z.enum(RETURN_REASONS).optional(),
    note: z.string().max(1000).optional(),
    courierId: z
      .string()
      .regex(/^[a-zA-Z0-9_\-.]{1,64}$/)
      .optional(),
  })
  .refine((u) => u.status !== 'returned' || u.reason !== undefined, {
    message: 'a return needs a reason',
    path: ['reason'],
  })
  .refine((u) => u.status !== 'delivered' || u.courierId !== undefined, {
    message: 'a delivery names the courier (courierId), for the courier bonus',
    path: ['courierId'],
  });
export type OrderUpdate = z.infer<typeof orderUpdateSchema>;

const HOUR_MS = 3_600_000;

/**
 * The order after applying an update that `decideUpdate` allowed. Pure: the caller writes it conditionally on
 * `order.version`.
 */
export function applyUpdate(
  order: Order,
  update: OrderUpdate,
  ctx: { recordedAt: string; actor: string; promiseHours: number },
): { order: Order; event: OrderEvent } {
  const at = update.at ? new Date(update.at).toISOString() : ctx.recordedAt;
  const next: Order = { ...order, state: update.status, version: order.version + 1, updatedAt: ctx.recordedAt };
  switch (update.status) {
    case 'packed':
      next.packedAt = at;
      break;
    case 'outForDelivery':
      next.dispatchedAt = at;
      // The promise runs from dispatch once there is one (配送单: delivery within N hours).
      next.promiseAt = new Date(Date.parse(at) + ctx.promiseHours * HOUR_MS).toISOString();
      break;
    case 'delivered':
      next.deliveredAt = at;
      break;
    case 'returned':
      next.returnedAt = at;
      break;
    case 'cancelled':
      next.cancelledAt = at;
      break;
  }
  if (update.courierId !== undefined) next.courierId = update.courierId;
  if (update.reason !== undefined) next.returnReason = update.reason;
  if (update.note !== undefined) next.note = update.note;
  if (FINAL_ORDER_STATES.includes(update.status)) next.recordedBy = ctx.actor;
  const event: OrderEvent = {
    orderId: order.orderId,
    version: next.version,
    from: order.state,
    to: update.status,
    at,
    recordedAt: ctx.recordedAt,
    actor: ctx.actor,
    ...(update.reason !== undefined ? { reason: update.reason } : {}),
    ...(update.note !== undefined ? { note: update.note } : {}),
    ...(update.courierId !== undefined ? { courierId: update.courierId } : {}),
  };
  return { order: next, event };
}

/**
 * Whether the delivery promise is missed, computed on read (docs/orders.md): a delivered or returned order missed it
 * when it reached the door after `promiseAt`; an order still on its way has missed it once `now` is past `promiseAt`.
 * Cancelled orders never count.
 */
export function promiseMissed(order: Pick<Order, 'state' | 'promiseAt' | 'deliveredAt' | 'returnedAt'>, now: Date) {
  if (order.state === 'cancelled') return false;
  const reached = order.deliveredAt ?? order.returnedAt;
  const t = reached ? Date.parse(reached) : now.getTime();
  return t > Date.parse(order.promiseAt);
}
