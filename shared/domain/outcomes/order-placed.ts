import * as z from 'zod';

/** `source` of the events the outcomes use cases emit. */
export const OUTCOME_EVENT_SOURCE = 'outcall.outcomes';

/**
 * Detail of `OrderPlaced`: a sale disposition's order, for the follow-through (order form to the store). Emitted at
 * least once per sale; `orderId` is the attempt's `attemptRef`, so consumers drop repeats by it.
 */
export const orderPlacedDetailSchema = z.object({
  orderId: z.string(),
  campaignId: z.string(),
  phoneKey: z.string(),
  attempt: z.number().int().min(1),
  connectContactId: z.string(),
  agentId: z.string().optional(),
  dispositionCode: z.string(),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string().optional(),
      quantity: z.number().int(),
      unitPrice: z.number().optional(),
    }),
  ),
  amount: z.number().optional(),
  currency: z.string().optional(),
  /** Personal data: only the fulfilment consumer may log or store it. */
  deliveryAddress: z.string().optional(),
  placedAt: z.string(),
});
export type OrderPlacedDetail = z.infer<typeof orderPlacedDetailSchema>;
