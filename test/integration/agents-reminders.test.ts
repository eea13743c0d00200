import { randomBytes } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { counterKey } from '#shared/adapters/dynamodb/keys';
import { ManualClock } from '#shared/adapters/memory/clock';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { teamSchema } from '#shared/domain/agents/agent';
import { ConflictError } from '#shared/domain/errors';
import { submitDailyLog } from '#shared/use-cases/agents/daily-logs';
import { runReminderTick } from '#shared/use-cases/agents/reminders';
import { useTestTables } from '#test/integration/helpers/tables';

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const tables = useTestTables('agents');
// The SES stand-in's store is shared by the whole run: this file's recipients carry a random tag.
const tag = randomBytes(4).toString('hex');
const address = (who: string) => `${who}.${tag}@example.com`;
const MONDAY = '2026-03-02';

let store: DynamoDbAgentStore;
let mailer: SesMailer;
const clock = new ManualClock();

async function mailFor(who: string): Promise<StoredEmail[]> {
  const response = await fetch(`${inject('sesEndpoint')}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.destination.to.includes(address(who)));
}

const deps = () => ({ store, markers: store, mailer, clock });

beforeAll(async () => {
  store = new DynamoDbAgentStore({ client: tables.client, tableName: tables.names.main });
  mailer = new SesMailer({
    client: new SESv2Client({
      endpoint: inject('sesEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    from: 'outcall@example.com',
  });
  await store.putTeam(
    teamSchema.parse({
      id: 'team-sh',
      name: '上海一组',
      timeZone: 'Asia/Shanghai',
      leadEmails: [address('lead')],
      updatedAt: '2026-01-01T00:00:00.000Z',
      updatedBy: 'planner-1',
    }),
  );
  const agent = { teamId: 'team-sh', daysOff: [], active: true, updatedAt: '2026-01-01T00:00:00.000Z' };
  await store.putAgent({ ...agent, id: 'agent-1', name: '王五', email: address('agent-1'), startDate: '2025-06-01' });
  await store.putAgent({
    ...agent,
    id: 'agent-2',
    name: 'Ann <Lee>',
    email: address('agent-2'),
    startDate: '2026-02-01',
  });
  await store.putAgent({ ...agent, id: 'agent-3', email: address('agent-3'), daysOff: [MONDAY] });
  // Two shards of one agent-day: the reader must sum them.
  for (const [shard, figures] of [
    [0, { dials: 50, effective: 10, intentional: 2, conversions: 1 }],
    [1, { dials: 30, effective: 7, intentional: 1 }],
  ] as const) {
    await tables.client.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: { ...counterKey('AGENT', 'agent-1', MONDAY, shard), ...figures },
      }),
    );
  }
  await tables.client.send(
    new PutCommand({
      TableName: tables.names.main,
      Item: { ...counterKey('AGENT', 'agent-2', MONDAY), dials: 40, effective: 22, intentional: 5 },
    }),
  );
});

describe('reminders through DynamoDB Local and the SES stand-in', () => {
  it('agent reminders at shift end − 10 min: subject, recipient and figures; a duplicate fire sends nothing', async () => {
    clock.set('2026-03-02T09:50:00.000Z');
    expect(await runReminderTick(deps())).toMatchObject({ sent: 2, alreadySent: 0 });
    expect(await runReminderTick(deps())).toMatchObject({ sent: 0, alreadySent: 2 });

    const [one, ...more] = await mailFor('agent-1');
    expect(more).toHaveLength(0);
    expect(one?.subject).toBe(
      '【工作日志提醒】2026-03-02 有效电话 17/50 — daily log due 2026-03-02 18:00 (Asia/Shanghai)',
    );
    expect(one?.body.text).toContain('拨打 Dials: 80');
    expect(one?.body.text).toContain('有效电话 Effective calls: 17 / 50 (34%) — 还差 33 remaining');
    expect(one?.body.text).toContain('意向客户 Intentional customers: 3');
    expect(one?.body.text).toContain('成交 Conversions: 1');

    // agent-2 started 2026-02-01: 2026-03-02 is day 30, still new (quota 20), and met it.
    const [two] = await mailFor('agent-2');
    expect(two?.subject).toContain('有效电话 22/20');
    expect(two?.body.html).toContain('Ann &#60;Lee&#62;');
    expect(await mailFor('agent-3')).toHaveLength(0); // day off
  });

  it('a log sent before the deadline, then the lead list at shift end + grace, once', async () => {
    clock.set('2026-03-02T09:58:00.000Z');
    const log = await submitDailyLog(deps(), { id: 'agent-2', roles: ['agent'] }, 'agent-2', MONDAY, {
      summary: '完成 22 通有效电话',
    });
    expect(log).toMatchObject({ late: false, quota: 20, figures: { dials: 40, effective: 22, intentional: 5 } });
    // A stale writer (it read no log) loses against the stored one.
    await expect(store.saveDailyLog({ ...log, summary: 'other' }, 0)).rejects.toBeInstanceOf(ConflictError);

    clock.set('2026-03-02T10:30:00.000Z');
    await runReminderTick(deps());
    await runReminderTick(deps());
    const digests = await mailFor('lead');
    expect(digests).toHaveLength(1);
    expect(digests[0]?.subject).toBe(
      '【日志与指标】上海一组 2026-03-02: 1 份日志未交 logs missing, 1 人未达标 below quota',
    );
    expect(digests[0]?.body.text).toContain('未交日志 Missing logs: 王五');
    expect(digests[0]?.body.text).toContain('未达标 Below quota: 王五 17/50');
    expect(digests[0]?.body.text).not.toContain('Ann');
  });

  it('a sent marker is claimed once, and a claim is not released once the message went out', async () => {
    const marker = { kind: 'TEST', scope: 'team-sh', period: MONDAY, recipient: 'x' };
    const at = new Date('2026-03-02T10:00:00.000Z');
    expect(await store.claim(marker, at, new Date(0))).toBe(true);
    expect(await store.claim(marker, at, new Date(0))).toBe(false);
    // Stale and unconfirmed: another sender may take it over.
    expect(await store.claim(marker, at, new Date('2026-03-02T10:00:00.001Z'))).toBe(true);
    await store.confirm(marker, at);
    await store.release(marker);
    expect(await store.claim(marker, at, new Date('2027-01-01T00:00:00.000Z'))).toBe(false);
  });
});
