import type { OrderSettledDetail } from '#events/orders';
import { ORDER_EVENT_SOURCE } from '#events/orders';
import type { Campaign } from '#shared/domain/campaign';
import { counterDelta } from '#shared/domain/counters';
import {
  ConflictError,
  issuesFrom,
  NotFoundError,
  TransitionRefusedError,
  ValidationError,
} from '#shared/domain/errors';
import { type OrderActor, requireFulfilment } from '#shared/domain/orders/access';
import { courierDay, followThroughOf } from '#shared/domain/orders/incentives';
import {
  applyUpdate,
  decideUpdate,
  FINAL_ORDER_STATES,
  type Order,
  type OrderUpdate,
  orderCounters,
  orderUpdateSchema,
  promiseMissed,
} from '#shared/domain/orders/order';
import { planVisit, type VisitKind } from '#shared/domain/orders/return-visit';
import type { TransitionExtras } from '#shared/ports/order-store';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import { countersFor } from '#shared/use-cases/orders/place-order';

/** What an update did: applied, or nothing because it was a resend (`duplicate`) or a late report (`stale`). */
export interface UpdateResult {
  result: 'applied' | 'duplicate' | 'stale';
  order: Order;
}

const DEFAULT_TRIES = 5;

/**
 * Records one fulfilment update (packed, out for delivery, delivered, returned, cancelled) against the order's state
 * machine. Counters, the courier's day and the return reason are added in the same conditional write as the state, so
 * each transition counts exactly once. A final state schedules the follow-up visit and tells the agent
 * (`OrderSettled`). A duplicate or late update changes nothing but finishes a follow-up a crash may have skipped; a
 * duplicate of a final update also publishes `OrderSettled` again, since the first publish may have failed after the
 * transition committed (at least once: consumers drop repeats by `orderId`).
 *
 * @throws ForbiddenError unless the caller is the store (fulfilment) or an admin
 * @throws ValidationError for a malformed update; NotFoundError for an unknown order
 * @throws TransitionRefusedError when the order's state does not allow it (with the states it allows)
 */
export async function updateOrder(
  deps: FulfilmentDeps,
  orderId: string,
  input: unknown,
  actor: OrderActor,
): Promise<UpdateResult> {
  requireFulfilment(actor);
  const parsed = orderUpdateSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid order update', issuesFrom(parsed.error.issues));
  return applyOrderUpdate(deps, orderId, parsed.data, actor.id);
}

/** {@link updateOrder} for a caller that has checked access and validated the update (the CSV upload). */
export async function applyOrderUpdate(
  deps: FulfilmentDeps,
  orderId: string,
  update: OrderUpdate,
  actorId: string,
): Promise<UpdateResult> {
  const tries = deps.maxTries ?? DEFAULT_TRIES;
  for (let i = 0; i < tries; i++) {
    const order = await deps.orders.get(orderId);
    if (!order) throw new NotFoundError(`no order ${orderId}`);
    const decision = decideUpdate(order.state, update.status);
    if (decision.kind === 'refused') {
      throw new TransitionRefusedError(
        `order ${orderId} is ${order.state}; it cannot become ${update.status}`,
        order.state,
        decision.allowed,
      );
    }
    const campaign = await deps.campaigns.get(order.campaignId);
    if (decision.kind !== 'apply') {
      const finished = campaign ? await followUp(deps, order, campaign) : order;
      // The retry of a final update whose follow-up or publish failed after the transition committed: publish again
      // (at least once; the detail is the same, consumers drop repeats by orderId). A stale update publishes nothing.
      if (decision.kind === 'duplicate' && FINAL_ORDER_STATES.includes(order.state))
        await publishSettled(deps, finished);
      return { result: decision.kind, order: finished };
    }
    const settings = campaign ? followThroughOf(campaign) : followThroughOf({});
    const recordedAt = deps.clock.now().toISOString();
    const { order: next, event } = applyUpdate(order, update, {
      recordedAt,
      actor: actorId,
      promiseHours: settings.deliveryPromiseHours,
    });
    const extras: TransitionExtras = {
      counters: countersFor(
        order,
        counterDelta(orderCounters(order.state, order.amountCents), orderCounters(next.state, next.amountCents)),
      ),
    };
    if (next.state === 'delivered' && next.courierId && next.deliveredAt) {
      extras.courierDelivery = { courierId: next.courierId, day: courierDay(next.deliveredAt, next.storeZone) };
    }
    if (next.state === 'returned' && next.returnReason) {
      extras.returnReason = { campaignId: next.campaignId, day: next.day, reason: next.returnReason };
    }
    if (!(await deps.orders.transition(next, order.version, event, extras))) continue;
    if (!FINAL_ORDER_STATES.includes(next.state)) return { result: 'applied', order: next };
    const finished = campaign ? await followUp(deps, next, campaign) : next;
    await publishSettled(deps, finished);
    return { result: 'applied', order: finished };
  }
  throw new ConflictError(`order ${orderId} kept changing; try again`);
}

async function publishSettled(deps: FulfilmentDeps, order: Order): Promise<void> {
  await deps.events.publish([{ source: ORDER_EVENT_SOURCE, detailType: 'OrderSettled', detail: settled(order) }]);
}

/** Depends on the stored order only (`promiseMissed` at its `updatedAt`), so a republished detail is identical. */
function settled(order: Order): OrderSettledDetail {
  return {
    orderId: order.orderId,
    campaignId: order.campaignId,
    ...(order.agentId !== undefined ? { agentId: order.agentId } : {}),
    state: order.state,
    sold: order.state === 'delivered',
    amountCents: order.amountCents,
    ...(order.returnReason !== undefined ? { reason: order.returnReason } : {}),
    at: order.deliveredAt ?? order.returnedAt ?? order.cancelledAt ?? order.updatedAt,
    promiseMissed: promiseMissed(order, new Date(order.updatedAt)),
  };
}

/**
 * Schedules the visit a final order leads to, once: a delivered order → a satisfaction visit (回访) in the return-visit
 * campaign after its delay; a returned order → a complaint follow-up (in the complaint campaign, else the
 * return-visit campaign). Nothing for a cancelled order, a number now on DNC, a finished visit campaign, or when no
 * calling window opens before its deadline.
 */
async function followUp(deps: FulfilmentDeps, order: Order, campaign: Campaign): Promise<Order> {
  if (order.followUp) return order;
  const settings = followThroughOf(campaign);
  let target: { campaignId: string; delayHours: number; kind: VisitKind; baseAt: string } | undefined;
  if (order.state === 'delivered' && order.deliveredAt && settings.returnVisit) {
    target = { ...settings.returnVisit, kind: 'satisfaction', baseAt: order.deliveredAt };
  } else if (order.state === 'returned' && order.returnedAt) {
    const where =
      settings.complaintFollowUp ??
      (settings.returnVisit ? { campaignId: settings.returnVisit.campaignId, delayHours: 4 } : undefined);
    if (where) target = { ...where, kind: 'complaintFollowUp', baseAt: order.returnedAt };
  }
  if (!target) return order;
  const visitCampaign = await deps.campaigns.get(target.campaignId);
  if (!visitCampaign || visitCampaign.state === 'completed' || visitCampaign.state === 'evaluated') return order;
  const source = await deps.orders.sourceContact(order.campaignId, order.phoneKey);
  if (!source || source.doNotCall) return order;
  const plan = planVisit({
    kind: target.kind,
    orderId: order.orderId,
    source: source.contact,
    visitCampaign,
    baseAt: target.baseAt,
    delayHours: target.delayHours,
    now: deps.clock.now().toISOString(),
  });
  if (!plan) return order;
  await deps.orders.addVisitContact(plan.contact, plan.priority);
  const record = { campaignId: visitCampaign.id, dueAt: plan.contact.dueAt ?? target.baseAt, kind: target.kind };
  await deps.orders.setFollowUp(order.orderId, record);
  return { ...order, followUp: record };
}
