import * as z from 'zod';
import { ORDER_STATES, RETURN_REASONS } from '#shared/domain/orders/order';
import { OUTCOME_EVENT_SOURCE, orderPlacedDetailSchema } from '#shared/domain/outcomes/order-placed';

/**
 * Event contracts of the sales follow-through (docs/orders.md).
 *
 * Consumed: `OrderPlaced` from the outcomes recorder (source `outcall.outcomes`); its producer owns the detail schema
 * (`shared/domain/outcomes/order-placed.ts`). `deliveryWindow` is read when a producer sends it and ignored otherwise.
 *
 * Emitted: `OrderSettled` (source `outcall.orders`) when an order reaches a final state — the agent's 报告单 as an
 * event — carrying no personal data (no address, no number, no name). At least once: a resent final update publishes
 * it again with the same detail, so a consumer drops repeats by `orderId`.
 */

export const ORDER_EVENT_SOURCE = 'outcall.orders';
export { OUTCOME_EVENT_SOURCE };

export const orderPlacedDetailInputSchema = orderPlacedDetailSchema.extend({
  deliveryWindow: z.string().max(200).optional(),
});
export type OrderPlacedInput = z.infer<typeof orderPlacedDetailInputSchema>;

/** The EventBridge envelope of `OrderPlaced`, as a rule delivers it to the order function. */
export const orderPlacedEventSchema = z.object({
  'detail-type': z.literal('OrderPlaced'),
  source: z.literal(OUTCOME_EVENT_SOURCE),
  id: z.string().optional(),
  time: z.string().optional(),
  detail: orderPlacedDetailInputSchema,
});

export const orderSettledDetailSchema = z.object({
  orderId: z.string(),
  campaignId: z.string(),
  agentId: z.string().optional(),
  state: z.enum(ORDER_STATES),
  /** Sold (delivered) or not (returned, cancelled): what the agent's 报告单 says. */
  sold: z.boolean(),
  amountCents: z.number().int(),
  reason: z.enum(RETURN_REASONS).optional(),
  at: z.string(),
  promiseMissed: z.boolean(),
});
export type OrderSettledDetail = z.infer<typeof orderSettledDetailSchema>;
