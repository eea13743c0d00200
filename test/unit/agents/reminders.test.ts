import { describe, expect, it } from 'vitest';
import type { DailyLog } from '#shared/domain/agents/agent';
import { ReminderSendError, runReminderTick } from '#shared/use-cases/agents/reminders';
import { world } from '#test/unit/agents/setup';

const MONDAY = '2026-03-02';
/** 17:50 in Shanghai on Monday 2026-03-02: shift end 18:00 − 10 min. */
const AGENT_REMINDER = '2026-03-02T09:50:00.000Z';
/** 18:30: shift end + 30 min. */
const LEAD_DIGEST = '2026-03-02T10:30:00.000Z';

function log(agentId: string, day = MONDAY): DailyLog {
  return {
    agentId,
    teamId: 't1',
    day,
    figures: { dials: 1, effective: 1, intentional: 0, conversions: 0 },
    quota: 50,
    summary: '',
    problems: '',
    tomorrowPlan: '',
    submittedAt: '2026-03-02T09:00:00.000Z',
    late: false,
    submissions: 1,
  };
}

function team() {
  const w = world({}, [
    { id: 'a1', email: 'a1@example.com', name: '张三', startDate: '2025-01-01' },
    { id: 'a2', email: 'a2@example.com', name: '李四', startDate: '2025-01-01' },
    { id: 'a3', email: 'a3@example.com', daysOff: [MONDAY] },
    { id: 'a4' },
    { id: 'a5', email: 'a5@example.com', startDate: '2026-02-20' },
    { id: 'a6', email: 'a6@example.com', active: false },
  ]);
  w.store.logs.set(`a1/${MONDAY}`, log('a1'));
  w.store.setCounters('a2', MONDAY, { dials: 80, effective: 12, intentional: 3, conversions: 1 });
  w.store.setCounters('a5', MONDAY, { dials: 40, effective: 21, intentional: 2 });
  return w;
}

describe('agents reminder at shift end − 10 min', () => {
  it('mails each working agent whose log is not in, with the figures and quota progress', async () => {
    const w = team();
    w.clock.set(AGENT_REMINDER);
    const result = await runReminderTick(w.deps);
    expect(result).toMatchObject({ teams: 1, sent: 2, alreadySent: 0, failed: 0 });
    expect(w.mailer.sent.map((m) => m.to)).toEqual([['a2@example.com'], ['a5@example.com']]);
    const [a2, a5] = w.mailer.sent;
    expect(a2?.subject).toContain('有效电话 12/50');
    expect(a2?.text).toContain('Dials: 80');
    expect(a2?.text).toContain('还差 38');
    expect(a2?.text).toContain('意向客户 Intentional customers: 3');
    expect(a2?.text).toContain('2026-03-02 18:00 (Asia/Shanghai)');
    // a5 started on 2026-02-20: day 11, a new agent owing 20, already met.
    expect(a5?.subject).toContain('有效电话 21/20');
    expect(a5?.text).toContain('quota met');
  });

  it('sends nothing before its time, and nothing twice when the tick fires again', async () => {
    const w = team();
    w.clock.set('2026-03-02T09:49:00.000Z');
    expect((await runReminderTick(w.deps)).sent).toBe(0);
    w.clock.set(AGENT_REMINDER);
    await runReminderTick(w.deps);
    const again = await runReminderTick(w.deps);
    w.clock.set('2026-03-02T09:51:00.000Z');
    const later = await runReminderTick(w.deps);
    expect(again).toMatchObject({ sent: 0, alreadySent: 2 });
    expect(later).toMatchObject({ sent: 0, alreadySent: 2 });
    expect(w.mailer.sent).toHaveLength(2);
  });

  it('two overlapping fires send each message once', async () => {
    const w = team();
    w.clock.set(AGENT_REMINDER);
    const results = await Promise.all([runReminderTick(w.deps), runReminderTick(w.deps)]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(w.mailer.sent).toHaveLength(2);
  });

  it('catches up a missed fire within the window, not after it', async () => {
    const w = team();
    w.clock.set('2026-03-02T10:49:59.000Z');
    expect((await runReminderTick(w.deps)).sent).toBeGreaterThanOrEqual(2);
    const w2 = team();
    w2.clock.set('2026-03-02T10:50:00.000Z');
    await runReminderTick(w2.deps, { catchUpMinutes: 60 });
    expect(w2.mailer.sent.filter((m) => m.to[0] !== 'lead@example.com')).toHaveLength(0);
  });

  it('retries a failed send on the next fire and reports the failure', async () => {
    const w = team();
    w.clock.set(AGENT_REMINDER);
    w.mailer.failFor.add('a2@example.com');
    const failed = await runReminderTick(w.deps).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReminderSendError);
    // What did go out is still counted, for the RemindersSent metric.
    expect((failed as ReminderSendError).result).toMatchObject({ sent: 1, failed: 1 });
    expect(w.mailer.sent.map((m) => m.to[0])).toEqual(['a5@example.com']);
    w.mailer.failFor.clear();
    w.clock.set('2026-03-02T09:51:00.000Z');
    expect(await runReminderTick(w.deps)).toMatchObject({ sent: 1, alreadySent: 1 });
    expect(w.mailer.sent.map((m) => m.to[0])).toEqual(['a5@example.com', 'a2@example.com']);
  });

  it('serves every other team when one cannot be read, then fails naming it', async () => {
    const w = team();
    const other = { ...w.team, id: 't2', name: '二组' };
    const broken = { ...w.team, id: 't0', name: '坏组' };
    w.store.teams.set(other.id, other);
    w.store.teams.set(broken.id, broken);
    w.store.agents.set('b1', {
      id: 'b1',
      teamId: 't2',
      email: 'b1@example.com',
      daysOff: [],
      active: true,
      updatedAt: 'x',
    });
    const listTeamAgents = w.store.listTeamAgents.bind(w.store);
    w.store.listTeamAgents = async (teamId: string) => {
      if (teamId === 't0')
        throw Object.assign(new Error('stored item is invalid'), { name: 'StoredAgentItemInvalidError' });
      return listTeamAgents(teamId);
    };
    w.clock.set(AGENT_REMINDER);
    const failed = await runReminderTick(w.deps).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReminderSendError);
    // t0 sorts first: the teams after it were still reminded.
    expect(w.mailer.sent.map((m) => m.to[0])).toEqual(['a2@example.com', 'a5@example.com', 'b1@example.com']);
    expect((failed as ReminderSendError).result).toMatchObject({
      teams: 3,
      sent: 3,
      failed: 0,
      failedTeams: [{ teamId: 't0', error: 'StoredAgentItemInvalidError' }],
    });
    expect((failed as ReminderSendError).message).toContain('t0 (StoredAgentItemInvalidError)');
  });

  it('a claim left by a crashed sender is taken over only once it is stale', async () => {
    const w = team();
    const marker = { kind: 'LOGREMIND', scope: 't1', period: MONDAY, recipient: 'a2' };
    await w.store.claim(marker, new Date(AGENT_REMINDER), new Date(0));
    w.clock.set('2026-03-02T09:55:00.000Z');
    await runReminderTick(w.deps, { staleClaimMinutes: 10 });
    expect(w.mailer.sent.map((m) => m.to[0])).toEqual(['a5@example.com']);
    w.clock.set('2026-03-02T10:00:01.000Z');
    await runReminderTick(w.deps, { staleClaimMinutes: 10 });
    expect(w.mailer.sent.map((m) => m.to[0])).toEqual(['a5@example.com', 'a2@example.com']);
  });

  it('sends nothing on weekends and holidays', async () => {
    const w = team();
    w.clock.set('2026-02-28T09:50:00.000Z'); // Saturday
    expect((await runReminderTick(w.deps)).sent).toBe(0);
    const h = world({ holidays: [{ name: '假日', startDate: MONDAY, endDate: MONDAY }] }, [
      { id: 'a2', email: 'a2@example.com' },
    ]);
    h.clock.set(AGENT_REMINDER);
    expect((await runReminderTick(h.deps)).sent).toBe(0);
    h.clock.set(LEAD_DIGEST);
    expect((await runReminderTick(h.deps)).sent).toBe(0);
  });

  it('follows the team zone across DST (America/New_York, 18:00 local)', async () => {
    const w = world({ timeZone: 'America/New_York' }, [{ id: 'a2', email: 'a2@example.com' }]);
    // Friday 2027-03-12 is EST (UTC−5): 17:50 is 22:50Z, and 21:50Z is only 16:50.
    w.clock.set('2027-03-12T21:50:00.000Z');
    expect((await runReminderTick(w.deps)).sent).toBe(0);
    w.clock.set('2027-03-12T22:50:00.000Z');
    expect((await runReminderTick(w.deps)).sent).toBe(1);
    // Tuesday 2027-03-16 is EDT (UTC−4): 17:50 is 21:50Z. (Monday the 15th would add a plan reminder.)
    w.clock.set('2027-03-16T21:49:00.000Z');
    expect((await runReminderTick(w.deps)).sent).toBe(0);
    w.clock.set('2027-03-16T21:50:00.000Z');
    expect((await runReminderTick(w.deps)).sent).toBe(1);
    expect(w.mailer.sent.map((m) => m.subject.slice(0, 18))).toEqual([
      '【工作日志提醒】2027-03-12',
      '【工作日志提醒】2027-03-16',
    ]);
  });

  it('a reminder of a shift ending just before midnight goes out after midnight within the window', async () => {
    const w = world({ shiftEnd: '23:55', reminderMinutesBefore: 10 }, [{ id: 'a2', email: 'a2@example.com' }]);
    w.clock.set('2026-03-02T16:10:00.000Z'); // 00:10 on Tuesday in Shanghai; reminder was due 23:45 Monday
    await runReminderTick(w.deps);
    expect(w.mailer.sent.map((m) => m.subject)).toEqual([expect.stringContaining('2026-03-02')]);
  });
});

describe('plan reminder on plan days', () => {
  it('asks agents without a plan for the next period, once, with the log reminder', async () => {
    const day = '2026-07-15'; // Wednesday, a plan day
    const w = world({}, [
      { id: 'a1', email: 'a1@example.com' },
      { id: 'a2', email: 'a2@example.com' },
    ]);
    w.store.plans.set('a1/2026-07-16', {
      agentId: 'a1',
      periodStart: '2026-07-16',
      periodEnd: '2026-07-31',
      plan: 'x',
      submittedAt: '2026-07-15T01:00:00.000Z',
      late: false,
    });
    w.store.logs.set(`a2/${day}`, log('a2', day));
    w.clock.set('2026-07-15T09:50:00.000Z');
    await runReminderTick(w.deps);
    await runReminderTick(w.deps);
    const subjects = w.mailer.sent.map((m) => `${m.to[0]} ${m.subject}`);
    expect(subjects).toEqual([
      expect.stringMatching(/^a1@example.com 【工作日志提醒】2026-07-15/),
      'a2@example.com 【工作计划提醒】半月工作计划 half-month plan 2026-07-16 – 2026-07-31',
    ]);
  });

  it('sends no plan reminder on an ordinary day', async () => {
    const w = world({}, [{ id: 'a1', email: 'a1@example.com' }]);
    w.clock.set('2026-07-14T09:50:00.000Z');
    await runReminderTick(w.deps);
    expect(w.mailer.sent.map((m) => m.subject)).toEqual([expect.stringContaining('工作日志提醒')]);
  });
});

describe('team lead list at shift end + grace', () => {
  it('lists missing logs and agents below quota with their numbers, once', async () => {
    const w = team();
    w.clock.set(LEAD_DIGEST);
    await runReminderTick(w.deps);
    await runReminderTick(w.deps);
    const digests = w.mailer.sent.filter((m) => m.to.includes('lead@example.com'));
    expect(digests).toHaveLength(1);
    const digest = digests[0];
    expect(digest?.subject).toBe('【日志与指标】一组 2026-03-02: 3 份日志未交 logs missing, 3 人未达标 below quota');
    // a1 sent the log but made 0 effective calls; a2 sent nothing and made 12; a4 (no e-mail, so never reminded)
    // still owes a log; a5 (new) met 21/20 but sent nothing; a3 is off and a6 inactive.
    expect(digest?.text).toContain('未交日志 Missing logs: 李四, a4, a5（新员工 new）');
    expect(digest?.text).toContain('未达标 Below quota: 张三 0/50, 李四 12/50, a4 0/50');
    expect(digest?.text).not.toContain('a3');
    expect(digest?.text).not.toContain('a6');
    expect(digest?.html).toContain('<td>李四</td>');
  });

  it('sends nothing to the lead when every log is in and every quota met', async () => {
    const w = world({}, [{ id: 'a1', email: 'a1@example.com' }]);
    w.store.logs.set(`a1/${MONDAY}`, log('a1'));
    w.store.setCounters('a1', MONDAY, { effective: 50 });
    w.clock.set(LEAD_DIGEST);
    expect((await runReminderTick(w.deps)).sent).toBe(0);
  });
});
