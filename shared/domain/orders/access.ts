import { ForbiddenError } from '#shared/domain/errors';
import { type Role, rolesOf } from '#shared/domain/roles';

/**
 * Who may do what with orders (docs/orders.md). Roles are the caller's groups read through `rolesOf`, the route
 * table's normalisation (`store` → `fulfilment`, `team-lead`, IAM `outcall-<role>`): the store's customer service and
 * couriers (`fulfilment`) and admins record fulfilment; managers, planners and team leads read; an agent reads the
 * orders they took (their 报告单).
 */
export interface OrderActor {
  id: string;
  roles: readonly string[];
}

export const FULFILMENT_ROLES: readonly Role[] = ['fulfilment', 'admin'];
export const ORDER_READER_ROLES: readonly Role[] = [...FULFILMENT_ROLES, 'manager', 'planner', 'teamLead'];

const has = (actor: OrderActor, roles: readonly Role[]) => {
  const held = rolesOf(actor);
  return roles.some((r) => held.has(r));
};

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
  if (has(actor, ['agent']) && order.agentId !== undefined && order.agentId === actor.id) return;
  throw new ForbiddenError('this order belongs to another agent');
}
