import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AgentItemRefusedError, DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { agentKey, teamAgentIndexKey } from '#shared/adapters/dynamodb/keys';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { MailMessage } from '#shared/ports/mailer';
import type { RosterUser } from '#shared/ports/roster';
import { runReminderTick } from '#shared/use-cases/agents/reminders';
import { syncRoster } from '#shared/use-cases/agents/roster-sync';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('agentsroster');
const store = () => new DynamoDbAgentStore({ client: tables.client, tableName: tables.names.main });
const group = (id: string) => ({ id, arn: `arn:aws:connect:::hierarchy-group/${id}`, name: id });

function recordingMailer() {
  const sent: MailMessage[] = [];
  return { sent, send: async (m: MailMessage) => void sent.push(m) };
}

describe('roster sync and reminders with a Connect e-mail outcall cannot mail', () => {
  it('stores the agent without it, reminds the other teams, and the next sync still runs', async () => {
    const agents = store();
    const clock = new ManualClock('2026-03-02T09:50:00.000Z'); // Monday 17:50 in Shanghai: shift end − 10 min
    const users: RosterUser[] = [
      // RFC 5322 allows '&' in the local part; Connect stores what the admin typed.
      {
        connectUserId: 'a1',
        connectUserArn: 'arn:a1',
        name: '李四',
        email: 'li&si@x.cn',
        hierarchyGroup: group('grp-a'),
      },
      {
        connectUserId: 'b1',
        connectUserArn: 'arn:b1',
        name: '王五',
        email: 'wang@x.cn',
        hierarchyGroup: group('grp-b'),
      },
    ];
    const roster = { listUsers: async () => users };
    expect(await syncRoster({ store: agents, roster, clock })).toMatchObject({ agentsCreated: 2, unmailable: ['a1'] });
    expect(await agents.getAgent('a1')).toMatchObject({ id: 'a1', name: '李四', teamId: 'grp-a', active: true });
    expect((await agents.getAgent('a1'))?.email).toBeUndefined();

    const mailer = recordingMailer();
    expect(await runReminderTick({ store: agents, markers: agents, mailer, clock })).toMatchObject({
      teams: 2,
      sent: 1,
    });
    expect(mailer.sent.flatMap((m) => m.to)).toEqual(['wang@x.cn']);

    clock.set('2026-03-02T11:00:00.000Z');
    expect(await syncRoster({ store: agents, roster, clock })).toMatchObject({
      agentsUpdated: 0,
      agentsDeactivated: 0,
      unmailable: ['a1'],
    });
  });

  it('reads an agent stored with such an address before the sync checked it as having none', async () => {
    const agents = store();
    await tables.client.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: {
          ...agentKey('old-1'),
          ...teamAgentIndexKey('grp-old', 'old-1'),
          entity: 'agent',
          id: 'old-1',
          teamId: 'grp-old',
          email: 'a~b@x.cn',
          connectUserArn: 'arn:old-1',
          daysOff: [],
          active: true,
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    expect((await agents.getAgent('old-1'))?.email).toBeUndefined();
    expect((await agents.listTeamAgents('grp-old')).map((a) => [a.id, a.email])).toEqual([['old-1', undefined]]);
  });

  it('refuses to write an agent or team that its reads would reject', async () => {
    const agents = store();
    const agent = { id: 'bad-1', teamId: 'grp-c', daysOff: [], active: true, updatedAt: 'x' };
    await expect(agents.putAgent({ ...agent, email: 'x@公司.cn' })).rejects.toBeInstanceOf(AgentItemRefusedError);
    await expect(agents.putAgent({ ...agent, startDate: '2026-02-30' })).rejects.toBeInstanceOf(AgentItemRefusedError);
    expect(await agents.getAgent('bad-1')).toBeUndefined();
    expect(await agents.listTeamAgents('grp-c')).toEqual([]);
  });
});
