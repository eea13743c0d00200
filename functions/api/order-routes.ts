import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  courierReportQuerySchema,
  listOrdersQuerySchema,
  orderUpdateRequestSchema,
  reportQuerySchema,
} from '#events/api/orders';
import type { ApiRoute } from '#functions/api/router';
import { jsonBody, validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { json } from '#shared/http/responses';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import {
  agentReport,
  campaignOrderReport,
  courierReport,
  getOrder,
  listCampaignDayOrders,
} from '#shared/use-cases/orders/queries';

/**
 * The orders routes (docs/orders.md): the store records fulfilment, readers list a campaign's day, an agent reads
 * their 报告单, managers read the order figures and courier bonuses. Served by the orders function.
 */
export function orderRoutes(deps: FulfilmentDeps): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/orders',
      handler: async (event) => {
        const query = validate(listOrdersQuerySchema, event.queryStringParameters ?? {}, 'query string');
        const actor = actorFromEvent(event);
        if ('campaign' in query) return json(200, await listCampaignDayOrders(deps, actor, query.campaign, query.day));
        return json(200, await agentReport(deps, actor, query.agent, query.from, query.to));
      },
    },
    {
      method: 'GET',
      path: '/orders/{orderId}',
      handler: async (event) => json(200, await getOrder(deps, param(event, 'orderId'), actorFromEvent(event))),
    },
    {
      method: 'POST',
      path: '/orders/{orderId}/updates',
      handler: async (event) => {
        const body = validate(orderUpdateRequestSchema, jsonBody(event), 'order update');
        return json(200, await updateOrder(deps, param(event, 'orderId'), body, actorFromEvent(event)));
      },
    },
    {
      method: 'GET',
      path: '/order-reports/campaigns/{campaignId}',
      handler: async (event) => {
        const q = validate(reportQuerySchema, event.queryStringParameters ?? {}, 'query string');
        return json(
          200,
          await campaignOrderReport(deps, actorFromEvent(event), param(event, 'campaignId'), q.from, q.to),
        );
      },
    },
    {
      method: 'GET',
      path: '/order-reports/couriers/{courierId}',
      handler: async (event) => {
        const q = validate(courierReportQuerySchema, event.queryStringParameters ?? {}, 'query string');
        return json(
          200,
          await courierReport(deps, actorFromEvent(event), param(event, 'courierId'), q.campaign, q.from, q.to),
        );
      },
    },
  ];
}

function param(event: APIGatewayProxyEventV2, name: string): string {
  // Left encoded, as campaign ids: order and courier ids are [a-zA-Z0-9_.-], so an encoded one is unknown anyway.
  return event.pathParameters?.[name] ?? '';
}
