import { orderPlacedEventSchema } from '#events/orders';
import { orderDepsFromEnv } from '#functions/orders/deps';
import { ValidationError } from '#shared/domain/errors';
import { logger } from '#shared/observability/logger';
import type { OrderDeps } from '#shared/use-cases/orders/deps';
import { placeOrder } from '#shared/use-cases/orders/place-order';

/**
 * `OrderPlaced` (EventBridge rule → this function, async): the order is created once and its form e-mailed once.
 * A failure throws so that Lambda's async retries and the rule's DLQ keep the event; an event that can never make an
 * order (malformed, no items) is logged by id and dropped, since retrying cannot help.
 */
export function createOrderPlacedHandler(deps: OrderDeps) {
  return async (event: unknown): Promise<void> => {
    const parsed = orderPlacedEventSchema.safeParse(event);
    if (!parsed.success) {
      logger.error('OrderPlaced event does not match its contract', { issues: parsed.error.issues.length });
      return;
    }
    const { orderId } = parsed.data.detail;
    try {
      const result = await placeOrder(deps, parsed.data.detail);
      // Ids and states only: the order's address and the customer's name stay out of the logs.
      logger.info('order placed', {
        orderId,
        status: result.status,
        ...(result.status !== 'unknownCampaign' ? { form: result.form } : {}),
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        logger.error('sale cannot become an order', { orderId, issues: error.issues });
        return;
      }
      throw error;
    }
  };
}

export const handler = createOrderPlacedHandler(orderDepsFromEnv());
