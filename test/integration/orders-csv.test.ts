import { describe, expect, it } from 'vitest';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbOrderStore } from '#shared/adapters/dynamodb/order-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { OrderDeps } from '#shared/use-cases/orders/deps';
import { applyFulfilmentCsv } from '#shared/use-cases/orders/fulfilment-csv';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { useTestTables } from '#test/integration/helpers/tables';
import { MemoryMarkers } from '#test/unit/orders/memory-order-store';
import { campaign, orderPlaced, RecordingMailer, SALES_ID, STORE } from '#test/unit/orders/world';

describe('fulfilment CSV on DynamoDB Local', () => {
  const tables = useTestTables('orders-csv');

  it('gives a row whose order number is no order number its own result, and applies the rows after it', async () => {
    const { client } = tables;
    const tableName = tables.names.main;
    const campaigns = new DynamoDbCampaignRepository({ client, tableName });
    await campaigns.create(campaign(SALES_ID, {}));
    const clock = new ManualClock('2026-03-02T02:15:00.000Z');
    const deps: OrderDeps = {
      orders: new DynamoDbOrderStore({ client, tableName, now: () => clock.now() }),
      campaigns,
      mailer: new RecordingMailer(),
      markers: new MemoryMarkers(),
      events: new InMemoryEventPublisher(),
      clock,
    };
    const { orderId } = orderPlaced();
    await placeOrder(deps, orderPlaced());
    const csv = [
      'orderId,status',
      `${orderId},packed`,
      // A pasted cell: as a partition key it is over DynamoDB's 2048 bytes, which refuses the read itself.
      `${'x'.repeat(2100)},packed`,
      `${orderId},outForDelivery`,
    ].join('\n');
    const results = await applyFulfilmentCsv(deps, csv, STORE);
    expect(results).toMatchObject([
      { row: 1, result: 'applied' },
      { row: 2, result: 'invalid', message: 'orderId: not an order number' },
      { row: 3, result: 'applied', state: 'outForDelivery' },
    ]);
  });
});
