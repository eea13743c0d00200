import {
  ConnectClient,
  DescribeUserCommand,
  DescribeUserHierarchyGroupCommand,
  ListUsersCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectRoster } from '#shared/adapters/connect-roster/connect-roster';
import { syncRoster } from '#shared/use-cases/agents/roster-sync';
import { world } from '#test/unit/agents/setup';

const connect = mockClient(ConnectClient);
const arn = (id: string) => `arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/${id}`;
const groupArn = (id: string) => `arn:aws:connect:us-east-1:123456789012:instance/i-1/agent-group/${id}`;

beforeEach(() => {
  connect.reset();
  connect
    .on(ListUsersCommand, { InstanceId: 'i-1', NextToken: undefined })
    .resolves({ UserSummaryList: [{ Id: 'u1' }, { Id: 'u2' }], NextToken: 'p2' })
    .on(ListUsersCommand, { InstanceId: 'i-1', NextToken: 'p2' })
    .resolves({ UserSummaryList: [{ Id: 'u3' }] });
  const users = {
    u1: { FirstName: '三', LastName: '张', Email: 'zhang@example.com', group: 'g1' },
    u2: { FirstName: 'Ann', LastName: 'Lee', Email: 'ann@example.com', group: 'g1' },
    u3: { FirstName: '', LastName: '', Email: undefined, group: undefined },
  } as const;
  for (const [id, u] of Object.entries(users)) {
    connect.on(DescribeUserCommand, { InstanceId: 'i-1', UserId: id }).resolves({
      User: {
        Id: id,
        Arn: arn(id),
        IdentityInfo: { FirstName: u.FirstName, LastName: u.LastName, Email: u.Email },
        HierarchyGroupId: u.group,
      },
    });
  }
  connect
    .on(DescribeUserHierarchyGroupCommand, { InstanceId: 'i-1', HierarchyGroupId: 'g1' })
    .resolves({ HierarchyGroup: { Id: 'g1', Arn: groupArn('g1'), Name: '电销一组' } });
});

describe('ConnectRoster', () => {
  it('pages ListUsers, describes every user and each hierarchy group once', async () => {
    const roster = new ConnectRoster({ client: new ConnectClient({ region: 'us-east-1' }), instanceId: 'i-1' });
    const users = await roster.listUsers();
    expect(users).toEqual([
      {
        connectUserId: 'u1',
        connectUserArn: arn('u1'),
        name: '张三',
        email: 'zhang@example.com',
        hierarchyGroup: { id: 'g1', arn: groupArn('g1'), name: '电销一组' },
      },
      {
        connectUserId: 'u2',
        connectUserArn: arn('u2'),
        name: 'Ann Lee',
        email: 'ann@example.com',
        hierarchyGroup: { id: 'g1', arn: groupArn('g1'), name: '电销一组' },
      },
      { connectUserId: 'u3', connectUserArn: arn('u3'), name: undefined, email: undefined, hierarchyGroup: undefined },
    ]);
    expect(connect.commandCalls(ListUsersCommand)).toHaveLength(2);
    expect(connect.commandCalls(ListUsersCommand)[0]?.args[0].input.MaxResults).toBe(100);
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(3);
    expect(connect.commandCalls(DescribeUserHierarchyGroupCommand)).toHaveLength(1);
  });
});

describe('ConnectRoster e-mail', () => {
  it('takes the secondary e-mail when the primary one cannot be mailed, and passes an unusable one on for the sync to flag', async () => {
    connect.reset();
    connect.on(ListUsersCommand).resolves({ UserSummaryList: [{ Id: 'u1' }, { Id: 'u2' }] });
    connect.on(DescribeUserCommand, { InstanceId: 'i-1', UserId: 'u1' }).resolves({
      User: { Id: 'u1', Arn: arn('u1'), IdentityInfo: { Email: 'li&si@x.cn', SecondaryEmail: ' lisi@x.cn ' } },
    });
    connect.on(DescribeUserCommand, { InstanceId: 'i-1', UserId: 'u2' }).resolves({
      User: { Id: 'u2', Arn: arn('u2'), IdentityInfo: { Email: 'a~b@x.cn' } },
    });
    const roster = new ConnectRoster({ client: new ConnectClient({ region: 'us-east-1' }), instanceId: 'i-1' });
    expect((await roster.listUsers()).map((u) => u.email)).toEqual(['lisi@x.cn', 'a~b@x.cn']);
  });
});

describe('syncRoster', () => {
  it('creates teams and agents, keeps outcall fields, deactivates those gone, rewrites nothing unchanged', async () => {
    const w = world();
    w.store.agents.set('u2', {
      id: 'u2',
      teamId: 'g1',
      startDate: '2026-02-01',
      daysOff: ['2026-03-05'],
      active: true,
      connectUserArn: arn('u2'),
      updatedAt: 'x',
    });
    w.store.agents.set('gone', {
      id: 'gone',
      teamId: 'g1',
      daysOff: [],
      active: true,
      connectUserArn: arn('gone'),
      updatedAt: 'x',
    });
    w.store.agents.set('manual', { id: 'manual', teamId: 'g1', daysOff: [], active: true, updatedAt: 'x' });
    const roster = new ConnectRoster({ client: new ConnectClient({ region: 'us-east-1' }), instanceId: 'i-1' });
    const deps = { ...w.deps, roster, defaultTimeZone: 'Asia/Shanghai' };

    const first = await syncRoster(deps);
    expect(first).toEqual({
      users: 3,
      agentsCreated: 2,
      agentsUpdated: 1,
      agentsDeactivated: 1,
      teamsCreated: 1,
      skipped: 0,
      unmailable: [],
    });
    expect(w.store.teams.get('g1')).toMatchObject({ name: '电销一组', timeZone: 'Asia/Shanghai', shiftEnd: '18:00' });
    expect(w.store.agents.get('u2')).toMatchObject({
      name: 'Ann Lee',
      email: 'ann@example.com',
      startDate: '2026-02-01',
      daysOff: ['2026-03-05'],
      teamId: 'g1',
    });
    expect(w.store.agents.get('u3')).toMatchObject({ active: true });
    expect(w.store.agents.get('u3')?.teamId).toBeUndefined();
    expect(w.store.agents.get('gone')?.active).toBe(false);
    expect(w.store.agents.get('manual')?.active).toBe(true);

    const second = await syncRoster(deps);
    expect(second).toMatchObject({ agentsCreated: 0, agentsUpdated: 0, agentsDeactivated: 0, teamsCreated: 0 });
  });

  it('stores a Connect user whose e-mail outcall cannot mail without the address, and reports it by agent id', async () => {
    const w = world();
    w.store.agents.set('u1', {
      id: 'u1',
      teamId: 'g1',
      startDate: '2026-02-01',
      daysOff: [],
      active: true,
      connectUserArn: arn('u1'),
      email: 'old@example.com',
      updatedAt: 'x',
    });
    const group = { id: 'g1', arn: groupArn('g1'), name: '电销一组' };
    // Valid by RFC 5322, refused by the address check every read of an agent applies.
    const emails = ['li&si@x.cn', 'a~b@x.cn', 'x@公司.cn', 'ok@example.com'];
    const roster = {
      listUsers: async () =>
        emails.map((email, i) => ({
          connectUserId: `u${i + 1}`,
          connectUserArn: arn(`u${i + 1}`),
          email,
          hierarchyGroup: group,
        })),
    };
    const result = await syncRoster({ ...w.deps, roster });
    expect(result).toMatchObject({ agentsCreated: 3, agentsUpdated: 1, unmailable: ['u1', 'u2', 'u3'] });
    // Connect owns the address: the old one is not kept when Connect's cannot be used.
    expect(w.store.agents.get('u1')).toMatchObject({ id: 'u1', startDate: '2026-02-01', teamId: 'g1', active: true });
    for (const id of ['u1', 'u2', 'u3']) expect(w.store.agents.get(id)?.email).toBeUndefined();
    expect(w.store.agents.get('u4')?.email).toBe('ok@example.com');
    // Unchanged on the next run: nothing rewritten, still reported until fixed in Connect.
    expect(await syncRoster({ ...w.deps, roster })).toMatchObject({
      agentsCreated: 0,
      agentsUpdated: 0,
      unmailable: ['u1', 'u2', 'u3'],
    });
  });

  it('gives a team no name when the hierarchy group name does not fit one, instead of failing the sync', async () => {
    const w = world();
    const roster = {
      listUsers: async () => [
        {
          connectUserId: 'u1',
          connectUserArn: arn('u1'),
          hierarchyGroup: { id: 'g2', arn: groupArn('g2'), name: 'x'.repeat(201) },
        },
        {
          connectUserId: 'u2',
          connectUserArn: arn('u2'),
          hierarchyGroup: { id: 'g3', arn: groupArn('g3'), name: ' 二组 ' },
        },
      ],
    };
    expect(await syncRoster({ ...w.deps, roster })).toMatchObject({ teamsCreated: 2 });
    expect(w.store.teams.get('g2')?.name).toBeUndefined();
    expect(w.store.teams.get('g3')?.name).toBe('二组');
    expect(w.store.agents.get('u1')?.teamId).toBe('g2');
  });
});
