import { describe, expect, it } from 'vitest';
import { periodContaining } from '#shared/domain/reports/period';
import { DEFAULT_REPORT_SETTINGS, reportSettingsSchema } from '#shared/domain/reports/recipients';
import { buildTeamReport } from '#shared/use-cases/reports/build-report';
import { runReportTick, sendEvaluation, sendTeamReport } from '#shared/use-cases/reports/send-reports';
import { addReportCampaign, type ReportWorld, reportWorld } from '#test/unit/reports/report-world';

const DAY = '2026-03-09'; // a Monday
const PERIOD = periodContaining('daily', DAY);

function world() {
  const w = reportWorld({ now: '2026-03-10T00:00:00Z', leadEmail: 'Lead@x.cn', a1UpdatedAt: 'x' }); // 08:00 in Shanghai
  // a1 is experienced (quota 50); a2 started 5 days before: new (quota 20).
  w.agents.agents.set('a2', {
    id: 'a2',
    teamId: 't1',
    active: true,
    daysOff: [],
    startDate: '2026-03-05',
    updatedAt: 'x',
  });
  w.agents.logs.set(`a1#${DAY}`, {
    agentId: 'a1',
    teamId: 't1',
    day: DAY,
    figures: { dials: 0, effective: 0, intentional: 0, conversions: 0 },
    quota: 50,
    submittedAt: 'x',
    late: true,
    submissions: 1,
    summary: '',
    problems: '',
    tomorrowPlan: '',
  });
  return w;
}

function addCampaign(w: ReportWorld, id: string, state: 'active' | 'completed') {
  return addReportCampaign(w, id, state, '2026-03-09T01:00:00Z');
}

describe('team daily report from seeded counters', () => {
  it('matches hand-computed figures, change and quota', async () => {
    const w = world();
    await addCampaign(w, 'c-aaaaaaaaaaaa', 'active');
    w.reads.add('AGENT', 'a1', DAY, {
      dials: 120,
      effective: 40,
      conversions: 4,
      qaCount: 2,
      qaScoreSum: 170,
      orderAmount: 2000,
    });
    w.reads.add('AGENT', 'a1', '2026-03-08', { dials: 100, effective: 50 });
    w.reads.add('AGENT', 'a2', DAY, { dials: 60, effective: 25, conversions: 1, qaCritical: 1 });
    w.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', DAY, { dials: 150, connects: 60, conversions: 5, firstDials: 100 }, 0);
    w.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', DAY, { dials: 30, connects: 15, firstDials: 20 }, 1);
    w.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', '2026-03-08', { dials: 90, connects: 30, firstDials: 90 });
    w.reads.add('TEAM', 't1', DAY, { dials: 180, effective: 65 });
    w.reads.setListSize('c-aaaaaaaaaaaa', 1000);

    const r = await buildTeamReport(w.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    const a1 = r.agents.find((a) => a.agentId === 'a1');
    const a2 = r.agents.find((a) => a.agentId === 'a2');
    expect(a1).toMatchObject({
      dials: 120,
      effective: 40,
      quota: 50,
      conversions: 4,
      qaAverage: 85,
      logStatus: 'late',
      commission: 20,
    });
    expect(a1?.quotaAttainment).toBeCloseTo(0.8, 10);
    expect(a2).toMatchObject({ quota: 20, effective: 25, qaCritical: 1, logStatus: 'missing' });
    expect(r.previousAgents.a1?.effective).toBe(50);
    expect(r.top.map((a) => a.agentId)).toEqual(['a2']);
    const c = r.campaigns[0];
    expect(c?.period).toMatchObject({ dials: 180, connects: 75, conversions: 5, attempted: 120 });
    expect(c?.period.connectRate).toBeCloseTo(75 / 180, 10);
    expect(c?.previous.dials).toBe(90);
    expect(c?.toDate).toMatchObject({ dials: 270, attempted: 210 });
    expect(c?.toDate.penetration).toBeCloseTo(0.21, 10);
    expect(r.trend).toHaveLength(7);
    expect(r.trend.at(-1)).toMatchObject({ day: DAY, dials: 180, effective: 65 });
  });

  it('reads the same number of requests for a busy day as for a quiet one', async () => {
    const quiet = world();
    const busy = world();
    for (const w of [quiet, busy]) await addCampaign(w, 'c-aaaaaaaaaaaa', 'active');
    quiet.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', DAY, { dials: 10_000 });
    busy.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', DAY, { dials: 1_000_000 });
    await buildTeamReport(quiet.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    await buildTeamReport(busy.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    expect(busy.reads.requests).toBe(quiet.reads.requests);
  });
});

describe('sending once', () => {
  it('sends a report once per period, with CSV and XLSX attached and an archived copy', async () => {
    const w = world();
    const settings = reportSettingsSchema.parse({ teams: { t1: ['extra@x.cn', 'LEAD@x.cn'] } });
    const first = await sendTeamReport(w.deps, settings, 'daily', 't1', PERIOD);
    const again = await sendTeamReport(w.deps, settings, 'daily', 't1', PERIOD);
    expect(first.status).toBe('sent');
    expect(again.status).toBe('alreadySent');
    expect(w.mailer.sent).toHaveLength(1);
    const mail = w.mailer.sent[0];
    expect(mail?.to).toEqual(['boss@x.cn', 'extra@x.cn', 'lead@x.cn']);
    expect(mail?.subject).toContain('2026-03-09');
    expect(mail?.attachments.map((a) => a.filename.split('.').pop())).toContain('xlsx');
    expect(mail?.attachments.some((a) => a.filename.endsWith('-agents.csv'))).toBe(true);
    expect([...w.archive.objects.keys()]).toEqual(['reports/daily/team-t1/2026-03-09.html']);
    expect(mail?.html).toContain('memory://reports/reports/daily/team-t1/2026-03-09.html');
  });

  it('splits 120 recipients into messages of at most 50', async () => {
    const w = world();
    const many = Array.from({ length: 119 }, (_, i) => `m${i}@x.cn`);
    await sendTeamReport(w.deps, reportSettingsSchema.parse({ teams: { t1: many } }), 'daily', 't1', PERIOD);
    // 119 + lead + manager = 121 → 50, 50, 21; nobody twice.
    expect(w.mailer.sent.map((m) => m.to.length)).toEqual([50, 50, 21]);
    expect(new Set(w.mailer.sent.flatMap((m) => m.to)).size).toBe(121);
  });

  it('a run that died after its claim is taken over once the claim is stale, sending only what is missing', async () => {
    const w = world();
    const many = Array.from({ length: 60 }, (_, i) => `m${i}@x.cn`);
    const settings = reportSettingsSchema.parse({ teams: { t1: many } });
    w.mailer.failNext = 0;
    // First run: the second message fails (SES down) → claims released, error surfaces.
    const send = w.mailer.send.bind(w.mailer);
    let calls = 0;
    w.mailer.send = async (mail) => {
      calls++;
      if (calls === 2) throw new Error('SES down');
      await send(mail);
    };
    await expect(sendTeamReport(w.deps, settings, 'daily', 't1', PERIOD)).rejects.toThrow('SES down');
    expect(w.mailer.sent).toHaveLength(1);
    // Next run resumes: the first message is not sent again.
    const retry = await sendTeamReport(w.deps, settings, 'daily', 't1', PERIOD);
    expect(retry).toMatchObject({ status: 'sent', messages: 1 });
    expect(w.mailer.sent.map((m) => m.to.length)).toEqual([50, 12]);
  });

  it('leaves a fresh pending claim alone and takes it over when stale', async () => {
    const w = world();
    const marker = { kind: 'REPORT#daily', scope: 'team-t1', period: DAY, part: 'report' };
    await w.markers.claim(marker, w.clock.now(), new Date(0)); // a sender that then crashed
    expect((await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD)).status).toBe('busy');
    w.clock.advance(11 * 60 * 1000);
    expect((await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD)).status).toBe('sent');
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('a takeover that finds a message claim still fresh leaves the report unconfirmed, and a later run sends it', async () => {
    const w = world();
    w.clock.set('2026-03-10T00:05:00Z');
    const whole = { kind: 'REPORT#daily', scope: 'team-t1', period: DAY, part: 'report' };
    // A run claims the report at 00:05:00, builds for 20 s, claims its one message, then dies inside the SES call.
    await w.markers.claim(whole, new Date('2026-03-10T00:05:00Z'), new Date(0));
    await w.markers.claim({ ...whole, part: 'msg-1of1' }, new Date('2026-03-10T00:05:20Z'), new Date(0));
    // 00:15:10: the report claim is stale, the message claim not yet.
    w.clock.set('2026-03-10T00:15:10Z');
    const takeover = await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD);
    expect(takeover).toMatchObject({ status: 'busy', messages: 0 });
    expect(w.mailer.sent).toHaveLength(0);
    // The next tick finds both claims stale and sends the message.
    w.clock.set('2026-03-10T01:05:00Z');
    const later = await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD);
    expect(later).toMatchObject({ status: 'sent', messages: 1 });
    expect(w.mailer.sent).toHaveLength(1);
    const again = await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD);
    expect(again.status).toBe('alreadySent');
  });
});

describe('failures in logs', () => {
  it("a rejected send puts no recipient's address in log lines or in the error thrown", async () => {
    const w = world();
    const logged: unknown[] = [];
    w.deps.log = { info: (...line) => logged.push(line), warn: (...line) => logged.push(line) };
    // What SES says when an identity is not verified: it lists the addresses.
    const rejected = () =>
      Object.assign(
        new Error(
          'Email address is not verified. The following identities failed the check in region AP-EAST-1: Lead@x.cn, boss@x.cn',
        ),
        { name: 'MessageRejected' },
      );
    w.mailer.send = async () => {
      throw rejected();
    };
    const thrown = await runReportTick(w.deps).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Error);
    expect(JSON.stringify(logged)).not.toMatch(/@x\.cn/i);
    expect(JSON.stringify(logged)).toContain('MessageRejected');
    // The event path throws the error to Lambda, which logs it: it carries no address either.
    const direct = await sendTeamReport(w.deps, DEFAULT_REPORT_SETTINGS, 'daily', 't1', PERIOD).catch((e: Error) => e);
    expect(direct).toMatchObject({ name: 'MessageRejected' });
    expect(`${(direct as Error).message} ${(direct as Error).stack}`).not.toMatch(/@x\.cn/i);
  });
});

describe('campaign evaluation and the tick', () => {
  it('sends the evaluation to the requesting department and managers, then marks the campaign evaluated', async () => {
    const w = world();
    await addCampaign(w, 'c-bbbbbbbbbbbb', 'completed');
    const settings = reportSettingsSchema.parse({ departments: { 客户服务部: ['cs-lead@x.cn'] } });
    const r = await sendEvaluation(w.deps, settings, 'c-bbbbbbbbbbbb');
    expect(r).toMatchObject({ status: 'sent', evaluated: true });
    expect(w.mailer.sent[0]?.to).toEqual(['boss@x.cn', 'cs-lead@x.cn', 'cs@x.cn']);
    expect((await w.repository.get('c-bbbbbbbbbbbb'))?.state).toBe('evaluated');
    const transitions = await w.repository.listTransitions('c-bbbbbbbbbbbb');
    expect(transitions.at(-1)).toMatchObject({ action: 'evaluate', actor: 'system' });
  });

  it('the hourly tick sends what is due, heals a missed evaluation, and repeats as no-ops', async () => {
    const w = world();
    await addCampaign(w, 'c-cccccccccccc', 'completed');
    const first = await runReportTick(w.deps);
    // Tuesday 08:00 Shanghai: yesterday's daily only (not Monday, not the 1st), plus the evaluation.
    expect(first.sent.sort()).toEqual(['campaign:campaign-c-cccccccccccc', 'daily:team-t1:2026-03-09']);
    expect(first.mailed).toBe(w.mailer.sent.length);
    const second = await runReportTick(w.deps);
    expect(second.sent).toEqual([]);
    expect(second.mailed).toBe(0);
    expect(w.mailer.sent).toHaveLength(2);
  });
});
