import * as z from 'zod';
import { orderEventSchema, orderSchema, orderUpdateSchema } from '#shared/domain/orders/order';

/** Request and response shapes of the orders routes (functions/api/order-routes.ts). */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');

export const orderUpdateRequestSchema = orderUpdateSchema;

/** `GET /orders`: a campaign's day (the store's list), or an agent's days (the agent's 报告单). */
export const listOrdersQuerySchema = z.union([
  z.object({ campaign: z.string().min(1), day }),
  z.object({ agent: z.string().min(1), from: day, to: day }),
]);

export const reportQuerySchema = z.object({ from: day, to: day });
export const courierReportQuerySchema = z.object({ campaign: z.string().min(1), from: day, to: day });

export const orderViewSchema = z.object({
  order: orderSchema,
  promiseMissed: z.boolean(),
  history: z.array(orderEventSchema),
});

export const orderUpdateResponseSchema = z.object({
  result: z.enum(['applied', 'duplicate', 'stale']),
  order: orderSchema,
});

export const orderListSchema = z.object({ items: z.array(orderSchema.extend({ promiseMissed: z.boolean() })) });

const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const schemaRef = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const queryParam = (name: string, description: string, required = true) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});

/** Request schemas of the orders routes, merged into the OpenAPI components. */
export const ORDER_REQUEST_SCHEMAS = { OrderUpdateRequest: orderUpdateRequestSchema } satisfies Record<
  string,
  z.ZodType
>;

/** Response schemas of the orders routes, merged into the OpenAPI components. */
export const ORDER_RESPONSE_SCHEMAS = {
  OrderView: orderViewSchema,
  OrderUpdateResult: orderUpdateResponseSchema,
  OrderList: orderListSchema,
} satisfies Record<string, z.ZodType>;

/** The orders operations, merged into the OpenAPI document. */
export const ORDER_OPERATIONS = {
  'GET /orders': {
    operationId: 'listOrders',
    summary: "A campaign's orders of a day (the store's list), or an agent's 报告单 over days",
    description:
      'Either `campaign` and `day` (roles fulfilment, store, admin, manager, planner, teamLead), or `agent`, `from` ' +
      'and `to` (that agent, or a reader): how each order ended, sold or returned and why, with the commission on ' +
      'delivered sales. `promiseMissed` is computed on read.',
    parameters: [
      queryParam('campaign', 'Campaign id (with day)', false),
      queryParam('day', 'YYYY-MM-DD, the order day in the campaign zone', false),
      queryParam('agent', 'Agent id (with from, to)', false),
      queryParam('from', 'YYYY-MM-DD', false),
      queryParam('to', 'YYYY-MM-DD, at most 92 days after from', false),
    ],
    responses: {
      200: { description: 'The orders, or the agent report', content: { 'application/json': { schema: {} } } },
      400: responseRef('BadRequest'),
    },
  },
  'GET /orders/{orderId}': {
    operationId: 'getOrder',
    summary: 'An order with its history and whether its delivery promise is missed',
    parameters: [pathParam('orderId', 'The sale attempt ref')],
    responses: { 200: { description: 'The order', content: schemaRef('OrderView') }, 404: responseRef('NotFound') },
  },
  'POST /orders/{orderId}/updates': {
    operationId: 'updateOrder',
    summary: 'Record fulfilment: packed, outForDelivery, delivered (courierId), returned (reason), cancelled',
    description:
      'Roles fulfilment, store, admin. A resent update is a no-op 200 (`duplicate`), a late report of a step the ' +
      'order has passed is a no-op 200 (`stale`); an impossible one is 409 with the states allowed next.',
    parameters: [pathParam('orderId', 'The sale attempt ref')],
    requestBody: 'OrderUpdateRequest',
    responses: {
      200: { description: 'Applied, or nothing to do', content: schemaRef('OrderUpdateResult') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: { description: 'Not allowed from the current state', content: schemaRef('TransitionRefused') },
    },
  },
  'GET /order-reports/campaigns/{campaignId}': {
    operationId: 'getCampaignOrderReport',
    summary: 'Orders, deliveries, returns by reason, conversions net of returns and commission, from counters',
    parameters: [
      pathParam('campaignId', 'Campaign id'),
      queryParam('from', 'YYYY-MM-DD'),
      queryParam('to', 'YYYY-MM-DD'),
    ],
    responses: {
      200: { description: 'The figures', content: { 'application/json': { schema: {} } } },
      404: responseRef('NotFound'),
    },
  },
  'GET /order-reports/couriers/{courierId}': {
    operationId: 'getCourierReport',
    summary: "A courier's deliveries and bonus per day in the store's zone (1, 2, 3 … per delivery, capped a day)",
    parameters: [
      pathParam('courierId', 'Courier id'),
      queryParam('campaign', 'Campaign whose bonus policy applies'),
      queryParam('from', 'YYYY-MM-DD'),
      queryParam('to', 'YYYY-MM-DD'),
    ],
    responses: {
      200: { description: 'Per day and total', content: { 'application/json': { schema: {} } } },
      404: responseRef('NotFound'),
    },
  },
};
