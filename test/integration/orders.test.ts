import { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoredEmail } from '#infra/local/ses-local';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { contactKey, counterKey, dueShard, orderFormKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbOrderFormMarkers, DynamoDbOrderStore } from '#shared/adapters/dynamodb/order-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { RETURN_VISIT_DISPOSITIONS } from '#shared/domain/orders/return-visit';
import type { OrderDeps } from '#shared/use-cases/orders/deps';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import { applyFulfilmentCsv } from '#shared/use-cases/orders/fulfilment-csv';
import { FORM_CLAIM_STALE_MS, placeOrder } from '#shared/use-cases/orders/place-order';
import { campaignOrderReport, getOrder } from '#shared/use-cases/orders/queries';
import { useTestTables } from '#test/integration/helpers/tables';
import { campaign, orderPlaced, PHONE_KEY, SALES_ID, STORE, sourceContact, VISIT_ID } from '#test/unit/orders/world';

const STORE_EMAIL = `store-${Date.now().toString(36)}@example.com`;

describe('orders on DynamoDB Local and the SES stand-in', () => {
  const tables = useTestTables('orders');
  let deps: OrderDeps;
  let clock: ManualClock;
  let events: InMemoryEventPublisher;
  let sesEndpoint: string;

  const emails = async (): Promise<StoredEmail[]> => {
    const response = await fetch(`${sesEndpoint}/store`);
    const body = (await response.json()) as { emails: StoredEmail[] };
    return body.emails.filter((m) => m.destination.to.includes(STORE_EMAIL));
  };

  beforeAll(async () => {
    sesEndpoint = inject('sesEndpoint');
    const { client } = tables;
    const tableName = tables.names.main;
    const campaigns = new DynamoDbCampaignRepository({ client, tableName });
    await campaigns.create(
      campaign(SALES_ID, {
        fulfilmentEmail: STORE_EMAIL,
        followThrough: { returnVisit: { campaignId: VISIT_ID, delayHours: 48 } },
      }),
    );
    await campaigns.create(
      campaign(VISIT_ID, { name: '回访', purpose: 'returnVisit', dispositions: RETURN_VISIT_DISPOSITIONS }),
    );
    // The sale's contact as intake and outcomes left it (no updatedAt, as intake writes it).
    const { updatedAt: _u, ...contact } = sourceContact();
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...contactKey(SALES_ID, PHONE_KEY), ...contact } }),
    );
    clock = new ManualClock('2026-03-02T02:15:00.000Z');
    events = new InMemoryEventPublisher();
    deps = {
      orders: new DynamoDbOrderStore({ client, tableName, now: () => clock.now() }),
      campaigns,
      mailer: new SesMailer({
        client: new SESv2Client({ endpoint: sesEndpoint, region: 'us-east-1' }),
        from: 'outcall@example.com',
      }),
      markers: new DynamoDbOrderFormMarkers({ client, tableName }),
      events,
      clock,
    };
  });

  it('e-mails the order form once, in UTF-8 text and HTML, and stores it', async () => {
    expect(await placeOrder(deps, orderPlaced())).toMatchObject({ status: 'created', form: 'sent' });
    expect(await placeOrder(deps, orderPlaced())).toMatchObject({ status: 'exists', form: 'alreadySent' });
    const mails = await emails();
    expect(mails).toHaveLength(1);
    const mail = mails[0] as StoredEmail;
    expect(mail.subject).toBe(`电话营销预订单 Order form ${orderPlaced().orderId}`);
    expect(mail.body.text).toContain('客户 Customer: 王先生');
    expect(mail.body.text).toContain('送货地址 Address: 上海市浦东新区世纪大道 100 号');
    expect(mail.body.text).toContain('合计 Total: 64.90 CNY');
    expect(mail.body.html).toContain('<td>鲜牛奶 1L</td>');
    const { Item } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: orderFormKey(orderPlaced().orderId) }),
    );
    expect(Item?.html).toBe(mail.body.html);
  });

  it("tells an order form's claim confirmed sent from one another run holds unconfirmed", async () => {
    const markers = new DynamoDbOrderFormMarkers({ client: tables.client, tableName: tables.names.main });
    const marker = { kind: 'ORDERFORM', scope: SALES_ID, period: 'o-claim-test', recipient: STORE_EMAIL };
    const at = new Date('2026-03-02T02:15:00.000Z');
    const staleAt = (ms: number) => new Date(at.getTime() + ms - FORM_CLAIM_STALE_MS);
    expect(await markers.claim(marker, at, staleAt(0))).toBe('claimed');
    // A run killed mid-send never releases or confirms: busy until stale, then taken over.
    expect(await markers.claim(marker, new Date(at.getTime() + 20_000), staleAt(20_000))).toBe('busy');
    const retry = new Date(at.getTime() + 60_000);
    expect(await markers.claim(marker, retry, staleAt(60_000))).toBe('claimed');
    await markers.confirm(marker, retry);
    await markers.release(marker); // a confirmed marker is never undone
    expect(await markers.claim(marker, new Date(at.getTime() + 3_600_000), staleAt(3_600_000))).toBe('sent');
  });

  it('counts each transition once, schedules the return visit in the due index, and reports', async () => {
    const { orderId } = orderPlaced();
    await updateOrder(deps, orderId, { status: 'outForDelivery', at: '2026-03-02T03:00:00+00:00' }, STORE);
    const delivered = { status: 'delivered', at: '2026-03-02T04:40:00+00:00', courierId: 'k-1' };
    expect((await updateOrder(deps, orderId, delivered, STORE)).result).toBe('applied');
    expect((await updateOrder(deps, orderId, delivered, STORE)).result).toBe('duplicate');
    await expect(updateOrder(deps, orderId, { status: 'cancelled' }, STORE)).rejects.toMatchObject({
      name: 'TransitionRefusedError',
      allowed: [],
    });

    const { Item: counters } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: counterKey('CAMPAIGN', SALES_ID, '2026-03-02') }),
    );
    expect(counters).toMatchObject({ orders: 1, salesCents: 6490, ordersDelivered: 1, deliveredCents: 6490 });

    const { Item: visit } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: contactKey(VISIT_ID, PHONE_KEY) }),
    );
    expect(visit).toMatchObject({
      state: 'new',
      e164: '+8613800138000',
      dueAt: '2026-03-04T06:00:00.000Z',
      duePk: `DUE#${VISIT_ID}#Asia/Shanghai#${dueShard(PHONE_KEY)}`,
      dueSk: `2#2026-03-04T06:00:00.000Z#${PHONE_KEY}`,
    });

    const view = await getOrder(deps, orderId, STORE);
    expect(view.history.map((e) => e.to)).toEqual(['placed', 'outForDelivery', 'delivered']);
    expect(view.order.followUp?.kind).toBe('satisfaction');
  });

  it('applies a store CSV row by row, with reasons, and the campaign report nets returns', async () => {
    const second = orderPlaced({ orderId: `${SALES_ID}.${PHONE_KEY}.2`, attempt: 2, amount: 10 });
    await placeOrder(deps, second);
    const csv = [
      '订单号,状态,时间,原因,快递员,备注',
      `${second.orderId},配送中,2026-03-02T05:00:00+00:00,,,`,
      `${second.orderId},packed,,,,`,
      `${second.orderId},退货,2026-03-02T06:00:00+00:00,refused,k-1,客户拒收`,
      `${second.orderId},delivered,,,k-1,`,
      `${second.orderId},flying,,,,`,
      'nope,packed,,,,',
    ].join('\n');
    const results = await applyFulfilmentCsv(deps, csv, STORE);
    expect(results.map((r) => r.result)).toEqual(['applied', 'stale', 'applied', 'refused', 'invalid', 'notFound']);
    const report = await campaignOrderReport(deps, STORE, SALES_ID, '2026-03-02', '2026-03-02');
    expect(report).toMatchObject({
      orders: 2,
      delivered: 1,
      returned: 1,
      returnRate: 0.5,
      returnsByReason: { refused: { count: 1, share: 1 } },
      commissionCents: 65,
    });
    const page = await client().send(
      new QueryCommand({
        TableName: tables.names.main,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ORDERS#${SALES_ID}#2026-03-02` },
      }),
    );
    expect(page.Items?.map((i) => i.state).sort()).toEqual(['delivered', 'returned']);
  });

  const client = () => tables.client;
});
