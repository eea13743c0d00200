import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createHttpApi } from '#functions/api/http-api';
import {
  attemptKey,
  connectContactKey,
  contactKey,
  dueIndexKey,
  orderFormKey,
  orderKey,
  phoneStatusKey,
  qaEvaluationKey,
  qaItemKey,
} from '#shared/adapters/dynamodb/keys';
import { DynamoDbSubjectStore } from '#shared/adapters/dynamodb/subject-store';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { phoneKey } from '#shared/domain/phone-key';
import { useTestTables } from '#test/integration/helpers/tables';
import { apiEvent, lambdaContext } from '#test/unit/functions/api/api-event';

const tables = useTestTables('privacy');
const SECRET = 'test-phone-key-secret-0123456789';
const SUBJECT = '+8613800138000';
const OTHER = '+8613900139000';
const CAMPAIGNS = ['c-spring0000001', 'c-autumn0000002'];

async function put(item: Record<string, unknown>) {
  await tables.client.send(new PutCommand({ TableName: tables.names.main, Item: item }));
}

/** A number on two campaigns with an attempt each, a sale's order and its stored form, and an allocation. */
async function seed(e164: string) {
  const key = phoneKey(e164, SECRET);
  await put({ ...phoneStatusKey(key), allocCampaignId: CAMPAIGNS[0], allocUntil: '2027-04-01T00:00:00.000Z' });
  for (const campaignId of CAMPAIGNS) {
    await put({
      ...contactKey(campaignId, key),
      ...dueIndexKey(campaignId, 'Asia/Shanghai', 0, 4, '2027-03-02T01:00:00.000Z', key),
      campaignId,
      phoneKey: key,
      e164,
      attributes: { name: '张三', company: '乐源', note: '老客户' },
      state: 'retryWait',
    });
    const connectContactId = `ct-${campaignId}-${key}`;
    await put({ ...attemptKey(campaignId, key, 1), connectContactId, outcome: 'SALE', agentId: 'agent-1' });
    // How contact events find the attempt: names the phone key, so it goes with the attempt.
    await put({ ...connectContactKey(connectContactId), campaignId, phoneKey: key, attempt: 1 });
    const orderId = `${campaignId}.${key}.1`;
    await put({
      ...orderKey(orderId),
      orderId,
      campaignId,
      phoneKey: key,
      attempt: 1,
      customer: { name: '张三', phone: e164 },
      deliveryAddress: '上海市徐汇区文化路26号',
      amountCents: 1000,
    });
    await put({ ...orderFormKey(orderId), text: `张三 ${e164} 上海市徐汇区文化路26号` });
  }
  // The first campaign's call was sampled for QA and scored.
  const ref = `${CAMPAIGNS[0]}.${key}.1`;
  await put({
    ...qaItemKey(ref),
    attemptRef: ref,
    campaignId: CAMPAIGNS[0],
    agentId: 'agent-1',
    teamId: 'team-1',
    day: '2027-03-01',
    connectContactId: `ct-${CAMPAIGNS[0]}-${key}`,
    recording: { bucket: 'connect-recordings', key: `2027/03/01/ct-${key}.wav` },
    reasons: ['random'],
    state: 'scored',
    evaluationCount: 1,
    current: { n: 1, score: 86 },
  });
  await put({ ...qaEvaluationKey(ref, 1), attemptRef: ref, n: 1, score: 86, evaluatorId: 'qa-1' });
  return key;
}

function api() {
  const handler = createHttpApi(
    {
      repository: new InMemoryCampaignRepository(),
      events: new InMemoryEventPublisher(),
      clock: new ManualClock('2027-03-02T02:00:00.000Z'),
      subjects: {
        store: new DynamoDbSubjectStore({ client: tables.client, tableName: tables.names.main, sleep: async () => {} }),
        clock: new ManualClock('2027-03-02T02:00:00.000Z'),
        phoneKeySecret: SECRET,
      },
    },
    { timeoutEarlyInMillis: 0, logger: new Logger({ serviceName: 'privacy-test' }) },
  );
  return async (method: string, phone: string, groups = '[admin]') => {
    const reply = (await handler(
      apiEvent({ method, path: `/subjects/${encodeURIComponent(phone)}`, identity: { sub: 'admin-1', groups } }),
      lambdaContext(),
    )) as { statusCode: number; body: string };
    return { statusCode: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> };
  };
}

async function partition(key: string) {
  const out = await tables.client.send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PHONE#${key}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

describe('data-subject requests on DynamoDB Local', () => {
  it('exports everything held about a number to an admin, and refuses anyone else', async () => {
    const key = await seed(SUBJECT);
    const call = api();
    expect((await call('GET', SUBJECT, '[planner]')).statusCode).toBe(403);
    expect((await call('GET', SUBJECT, '[manager]')).statusCode).toBe(403);
    // A national form of the same number finds the same person.
    const reply = await call('GET', '138 0013 8000');
    expect(reply.statusCode).toBe(200);
    expect(reply.body.phoneKey).toBe(key);
    expect(reply.body.contacts).toHaveLength(2);
    expect(reply.body.attempts).toHaveLength(2);
    expect(reply.body.orders).toHaveLength(2);
    expect(reply.body.qa).toEqual([
      expect.objectContaining({
        campaignId: CAMPAIGNS[0],
        recording: expect.objectContaining({ key: expect.any(String) }),
      }),
    ]);
    expect(reply.body.status).toMatchObject({ allocCampaignId: CAMPAIGNS[0] });
    expect(JSON.stringify(reply.body.contacts)).toContain('张三');
  });

  it('erases contacts, attempts, their Connect links, due entries, order details and QA recording links; keeps only STATUS with a DNC entry; repeats safely', async () => {
    const key = await seed(SUBJECT);
    const otherKey = await seed(OTHER);
    const call = api();
    expect((await call('DELETE', SUBJECT, '[planner]')).statusCode).toBe(403);
    expect(await partition(key)).toHaveLength(5);

    const reply = await call('DELETE', SUBJECT);
    expect(reply.statusCode).toBe(200);
    expect(reply.body.erased).toEqual({ contacts: 2, attempts: 2, orders: 2, qaCalls: 1 });
    // What Amazon Connect still holds of the person (contact records, recordings), for the admin to delete there.
    expect(reply.body.connectContactIds).toEqual(CAMPAIGNS.map((c) => `ct-${c}-${key}`).sort());

    const left = await partition(key);
    expect(left.map((i) => i.sk)).toEqual(['STATUS']);
    expect(left[0]?.dnc).toMatchObject({ source: 'erasure', by: 'admin-1', how: 'api:DELETE /subjects/{phone}' });
    expect(left[0]?.allocCampaignId).toBeUndefined();
    const due = await tables.client.send(
      new QueryCommand({
        TableName: tables.names.main,
        IndexName: 'due',
        KeyConditionExpression: 'duePk = :pk',
        ExpressionAttributeValues: { ':pk': `DUE#${CAMPAIGNS[0]}#Asia/Shanghai#0` },
      }),
    );
    expect((due.Items ?? []).map((i) => i.dueSk)).toEqual([expect.stringContaining(otherKey)]);
    for (const campaignId of CAMPAIGNS) {
      const orderId = `${campaignId}.${key}.1`;
      const order = await tables.client.send(new GetCommand({ TableName: tables.names.main, Key: orderKey(orderId) }));
      expect(order.Item?.customer).toEqual({});
      expect(order.Item?.deliveryAddress).toBeUndefined();
      expect(order.Item?.amountCents).toBe(1000);
      const form = await tables.client.send(
        new GetCommand({ TableName: tables.names.main, Key: orderFormKey(orderId) }),
      );
      expect(form.Item).toBeUndefined();
    }
    const link = (k: string, campaignId: string) =>
      tables.client.send(
        new GetCommand({ TableName: tables.names.main, Key: connectContactKey(`ct-${campaignId}-${k}`) }),
      );
    for (const campaignId of CAMPAIGNS) {
      expect((await link(key, campaignId)).Item).toBeUndefined();
      expect((await link(otherKey, campaignId)).Item).toMatchObject({ phoneKey: otherKey });
    }
    // The sampled call keeps its scores, not the way to the customer's voice or Connect's record of the call.
    const qa = async (k: string) =>
      (
        await tables.client.send(
          new GetCommand({ TableName: tables.names.main, Key: qaItemKey(`${CAMPAIGNS[0]}.${k}.1`) }),
        )
      ).Item;
    const sampled = await qa(key);
    expect(sampled).toMatchObject({ state: 'scored', current: { score: 86 }, customerErasedAt: expect.any(String) });
    expect(sampled?.recording).toBeUndefined();
    expect(sampled?.connectContactId).toBeUndefined();
    const evaluation = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: qaEvaluationKey(`${CAMPAIGNS[0]}.${key}.1`, 1) }),
    );
    expect(evaluation.Item).toMatchObject({ score: 86 });
    // The other person is untouched.
    expect(await partition(otherKey)).toHaveLength(5);
    expect(await qa(otherKey)).toMatchObject({ recording: expect.any(Object), connectContactId: expect.any(String) });

    const again = await call('DELETE', SUBJECT);
    expect(again.body.erased).toEqual({ contacts: 0, attempts: 0, orders: 0, qaCalls: 0 });
    expect(again.body.kept).toEqual(reply.body.kept);
    expect(again.body.connectContactIds).toEqual([]);
    expect(JSON.stringify((await call('GET', SUBJECT)).body)).not.toContain('张三');
  });

  it('answers 400 for a path that is not a phone number, without echoing it', async () => {
    const reply = await api()('GET', 'not-a-number');
    expect(reply.statusCode).toBe(400);
  });
});
