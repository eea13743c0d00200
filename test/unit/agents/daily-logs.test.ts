import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '#shared/domain/errors';
import { getDailyLog, getTeamDay, submitDailyLog, submitPeriodPlan } from '#shared/use-cases/agents/daily-logs';
import { putTeam, updateAgentSettings } from '#shared/use-cases/agents/teams';
import { agentActor, planner, world } from '#test/unit/agents/setup';

const DAY = '2026-03-02';
const text = { summary: '今天联系了客户', problems: '无', tomorrowPlan: '回访意向客户' };

function setup() {
  const w = world({}, [
    { id: 'a1', email: 'a1@example.com', startDate: '2026-02-01' },
    { id: 'a2', apiPrincipal: 'cognito-sub-2' },
  ]);
  w.store.setCounters('a1', DAY, { dials: 70, effective: 18, intentional: 4, conversions: 2 });
  return w;
}

describe('daily log', () => {
  it('is pre-filled from the counters with quota progress (new agent on day 30)', async () => {
    const w = setup();
    w.clock.set('2026-03-02T08:00:00.000Z');
    const view = await getDailyLog(w.deps, agentActor('a1'), 'a1', DAY);
    expect(view).toMatchObject({
      submitted: false,
      newAgent: true,
      figures: { dials: 70, effective: 18, intentional: 4, conversions: 2 },
      progress: { quota: 20, remaining: 2, met: false },
      deadline: '2026-03-02T10:00:00.000Z',
    });
  });

  it('a resubmission before the deadline replaces the log', async () => {
    const w = setup();
    w.clock.set('2026-03-02T09:00:00.000Z');
    await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, { summary: 'first' });
    w.clock.set('2026-03-02T10:00:00.000Z'); // exactly the deadline is still on time
    const log = await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, text);
    expect(log).toMatchObject({ ...text, late: false, submissions: 2, quota: 20, figures: { effective: 18 } });
    expect(log.lateAmendment).toBeUndefined();
  });

  it('a first log after the deadline is late', async () => {
    const w = setup();
    w.clock.set('2026-03-02T10:00:01.000Z');
    expect(await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, text)).toMatchObject({ late: true });
    // The next morning is still fine, only late.
    w.clock.set('2026-03-03T01:00:00.000Z');
    const again = await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, { summary: 'more' });
    expect(again).toMatchObject({ late: true, summary: 'more', submissions: 2 });
  });

  it('a correction after the deadline is kept beside the on-time log as a late amendment', async () => {
    const w = setup();
    w.clock.set('2026-03-02T09:30:00.000Z');
    await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, text);
    w.clock.set('2026-03-02T11:00:00.000Z');
    const log = await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, { summary: 'forgot one call' });
    expect(log).toMatchObject({ summary: text.summary, late: false, submissions: 2 });
    expect(log.lateAmendment).toEqual({
      summary: 'forgot one call',
      problems: '',
      tomorrowPlan: '',
      submittedAt: '2026-03-02T11:00:00.000Z',
    });
  });

  it('an agent writes only their own log; managers read but do not write it', async () => {
    const w = setup();
    w.clock.set('2026-03-02T09:00:00.000Z');
    await expect(submitDailyLog(w.deps, agentActor('a2'), 'a1', DAY, text)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(submitDailyLog(w.deps, planner, 'a1', DAY, text)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getDailyLog(w.deps, agentActor('a2'), 'a1', DAY)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getDailyLog(w.deps, planner, 'a1', DAY)).submitted).toBe(false);
    // An agent whose API identity is not the agent id is recognised by `apiPrincipal`.
    expect(await submitDailyLog(w.deps, agentActor('cognito-sub-2'), 'a2', DAY, text)).toMatchObject({ late: false });
  });

  it('refuses a future day, a malformed day and a day long gone', async () => {
    const w = setup();
    w.clock.set('2026-03-02T09:00:00.000Z');
    for (const day of ['2026-03-03', '2026-02-30', 'yesterday', '2026-01-01']) {
      await expect(submitDailyLog(w.deps, agentActor('a1'), 'a1', day, text)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('period plan', () => {
  it('is due at the shift end of the last working day before the period', async () => {
    const w = setup();
    // The half month from 2026-08-16: due Friday 2026-08-14 18:00 (the 15th is a Saturday).
    w.clock.set('2026-08-14T09:59:00.000Z');
    const plan = await submitPeriodPlan(w.deps, agentActor('a1'), 'a1', '2026-08-16', { plan: '回访 30 位客户' });
    expect(plan).toMatchObject({ periodStart: '2026-08-16', periodEnd: '2026-08-31', late: false });
    w.clock.set('2026-08-14T10:01:00.000Z');
    expect(await submitPeriodPlan(w.deps, agentActor('a1'), 'a1', '2026-09-01', { plan: 'x' })).toMatchObject({
      periodEnd: '2026-09-30',
      late: false,
    });
    expect(await submitPeriodPlan(w.deps, agentActor('a1'), 'a1', '2026-08-16', { plan: 'y' })).toMatchObject({
      late: true,
    });
  });

  it('only for a period starting on the 1st or the 16th', async () => {
    const w = setup();
    await expect(submitPeriodPlan(w.deps, agentActor('a1'), 'a1', '2026-08-15', { plan: 'x' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('teams and agents', () => {
  it('planners set team settings with defaults; agents may not', async () => {
    const w = setup();
    await expect(putTeam(w.deps, agentActor('a1'), 't2', { timeZone: 'Asia/Shanghai' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const team = await putTeam(w.deps, planner, 't2', { timeZone: 'America/New_York', quota: { effective: 40 } });
    expect(team).toMatchObject({
      shiftEnd: '18:00',
      quota: { effective: 40, newAgent: 20, newAgentDays: 30 },
      reminderMinutesBefore: 10,
      updatedBy: 'planner-1',
    });
    await expect(putTeam(w.deps, planner, 't2', { timeZone: 'Mars/Base' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('agent settings merge field by field and need a known team', async () => {
    const w = setup();
    const agent = await updateAgentSettings(w.deps, planner, 'a1', { daysOff: ['2026-03-05'] });
    expect(agent).toMatchObject({ startDate: '2026-02-01', daysOff: ['2026-03-05'], email: 'a1@example.com' });
    await expect(updateAgentSettings(w.deps, planner, 'a1', { teamId: 'nope' })).rejects.toThrow('does not exist');
    await expect(updateAgentSettings(w.deps, planner, 'a1', { name: 'x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('team day lists quota progress and log status of the working agents', async () => {
    const w = setup();
    w.clock.set('2026-03-02T09:00:00.000Z');
    await submitDailyLog(w.deps, agentActor('a1'), 'a1', DAY, text);
    const day = await getTeamDay(w.deps, planner, 't1', DAY);
    expect(day.agents.map((a) => [a.agentId, a.logSubmitted, a.progress.effective, a.progress.quota])).toEqual([
      ['a1', true, 18, 20],
      ['a2', false, 0, 50],
    ]);
  });
});
