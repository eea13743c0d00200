import { ForbiddenError } from '#shared/domain/errors';

/**
 * Who may do what with orders (docs/orders.md). Roles are the caller's groups: the store's customer service and
 * couriers (`fulfilment`, `store`) and admins record fulfilment; managers, planners and team leads read; an agent
 * reads the orders they took (their 报告单).
 */
export interface OrderActor {
  id: string;
  roles: readonly string[];
}

export const FULFILMENT_ROLES = ['fulfilment', 'store', 'admin'] as const;
export const ORDER_READER_ROLES = [...FULFILMENT_ROLES, 'manager', 'planner', 'teamLead'] as const;

const has = (actor: OrderActor, roles: readonly string[]) => roles.some((r) => actor.roles.includes(r));

export function requireFulfilment(actor: OrderActor): void {
  if (!has(actor, FULFILMENT_ROLES))
    throw new ForbiddenError('only the store (fulfilment) and admins record fulfilment');
}

export function readsAllOrders(actor: OrderActor): boolean {
  return has(actor, ORDER_READER_ROLES);
}

export function requireOrderReader(actor: OrderActor): void {
  if (!readsAllOrders(actor)) throw new ForbiddenError('this caller has no role that reads orders');
}

/** Readers see every order; an agent sees the orders they took. */
export function requireReaderOf(actor: OrderActor, order: { agentId?: string | undefined }): void {
  if (readsAllOrders(actor)) return;
  if (actor.roles.includes('agent') && order.agentId !== undefined && order.agentId === actor.id) return;
  throw new ForbiddenError('this order belongs to another agent');
}
