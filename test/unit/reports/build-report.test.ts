import { describe, expect, it } from 'vitest';
import { periodContaining } from '#shared/domain/reports/period';
import { DEFAULT_REPORT_SETTINGS } from '#shared/domain/reports/recipients';
import { transitionCampaign } from '#shared/use-cases/campaigns';
import { buildCampaignReport, buildTeamReport, campaignReportTarget } from '#shared/use-cases/reports/build-report';
import { sendEvaluation } from '#shared/use-cases/reports/send-reports';
import { addReportCampaign, type ReportWorld, reportWorld } from '#test/unit/reports/report-world';

const DAY = '2026-03-09'; // a Monday
const PERIOD = periodContaining('daily', DAY);
const PLANNER = { id: 'p', roles: ['planner'] };

function world(now = '2026-03-10T00:00:00Z') {
  return reportWorld({ now, leadEmail: 'lead@x.cn', a1UpdatedAt: '2026-01-01T00:00:00Z' });
}

function addCampaign(w: ReportWorld, id: string, state: 'draft' | 'active') {
  return addReportCampaign(w, id, state, '2026-03-01T01:00:00Z');
}

/** Completes the campaign at `at` and sends its evaluation seconds later, as the event path does. */
async function completeAndEvaluate(w: ReportWorld, id: string, at: string) {
  w.clock.set(at);
  await transitionCampaign(w.deps.campaignUseCases, id, 'complete', PLANNER);
  w.clock.advance(5_000);
  await sendEvaluation(w.deps, DEFAULT_REPORT_SETTINGS, id);
  expect((await w.repository.get(id))?.state).toBe('evaluated');
}

describe('which campaigns a team report covers', () => {
  it('keeps a campaign completed and evaluated on the day in that day, week and month, with its figures', async () => {
    const w = world();
    await addCampaign(w, 'c-aaaaaaaaaaaa', 'active');
    w.reads.add('CAMPAIGN', 'c-aaaaaaaaaaaa', DAY, { dials: 150, connects: 60 });
    await completeAndEvaluate(w, 'c-aaaaaaaaaaaa', '2026-03-09T07:00:00Z'); // 15:00 in Shanghai on DAY
    w.clock.set('2026-03-10T00:00:00Z');
    const daily = await buildTeamReport(w.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    expect(daily.campaigns.map((c) => [c.campaignId, c.state, c.period.dials])).toEqual([
      ['c-aaaaaaaaaaaa', 'evaluated', 150],
    ]);
    w.clock.set('2026-04-01T00:00:00Z');
    for (const kind of ['weekly', 'monthly'] as const) {
      const r = await buildTeamReport(w.deps, kind, 't1', periodContaining(kind, DAY), DEFAULT_REPORT_SETTINGS);
      expect(r.campaigns.map((c) => c.campaignId)).toEqual(['c-aaaaaaaaaaaa']);
    }
  });

  it('leaves out a campaign that ended before the period, even when its evaluation came later', async () => {
    const w = world();
    await addCampaign(w, 'c-aaaaaaaaaaaa', 'active');
    w.clock.set('2026-03-07T10:00:00Z');
    await transitionCampaign(w.deps.campaignUseCases, 'c-aaaaaaaaaaaa', 'complete', PLANNER);
    // The event path failed; the tick evaluated it on DAY.
    w.clock.set('2026-03-09T00:05:00Z');
    await sendEvaluation(w.deps, DEFAULT_REPORT_SETTINGS, 'c-aaaaaaaaaaaa');
    w.clock.set('2026-03-10T00:00:00Z');
    const r = await buildTeamReport(w.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    expect(r.campaigns).toEqual([]);
    // The week of 2026-03-02 saw it end: it is there.
    const week = await buildTeamReport(w.deps, 'weekly', 't1', periodContaining('weekly', '2026-03-07'), {
      ...DEFAULT_REPORT_SETTINGS,
    });
    expect(week.campaigns.map((c) => c.campaignId)).toEqual(['c-aaaaaaaaaaaa']);
  });
});

/** What the roster sync does to an agent that left Connect. */
function deactivate(w: ReportWorld, agentId: string, at: string) {
  const agent = w.agents.agents.get(agentId);
  if (!agent) throw new Error(`no agent ${agentId}`);
  w.agents.agents.set(agentId, { ...agent, active: false, updatedAt: at });
}

describe('which agents a team report covers', () => {
  it("keeps an agent deactivated after the period, with the period's figures and commission", async () => {
    const w = world();
    w.reads.add('AGENT', 'a1', DAY, { dials: 120, effective: 40, orderAmount: 2000 });
    // The roster sync deactivated a1 overnight (they left Connect).
    deactivate(w, 'a1', '2026-03-09T20:00:00Z');
    const r = await buildTeamReport(w.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    expect(r.agents.find((a) => a.agentId === 'a1')).toMatchObject({ dials: 120, commission: 20 });
  });

  it('leaves out an inactive agent with no figures in the period', async () => {
    const w = world();
    w.reads.add('AGENT', 'a1', '2026-03-08', { dials: 90 }); // the previous day only
    deactivate(w, 'a1', '2026-03-09T20:00:00Z');
    w.agents.agents.set('a0', {
      id: 'a0',
      teamId: 't1',
      active: false,
      daysOff: [],
      startDate: '2024-01-01',
      updatedAt: '2025-06-01T00:00:00Z', // left long before: not even read
    });
    const before = w.reads.requests;
    const r = await buildTeamReport(w.deps, 'daily', 't1', PERIOD, DEFAULT_REPORT_SETTINGS);
    expect(r.agents).toEqual([]);
    // TEAM counters and a1's; none for a0.
    expect(w.reads.requests - before).toBe(2);
  });
});

describe('pilot review period', () => {
  it('the review of a re-run pilot covers that pilot only, not the first one', async () => {
    const w = world('2026-03-02T01:00:00Z');
    await addCampaign(w, 'c-bbbbbbbbbbbb', 'draft');
    const t = (action: string, at: string) => {
      w.clock.set(at);
      return transitionCampaign(w.deps.campaignUseCases, 'c-bbbbbbbbbbbb', action, PLANNER);
    };
    await t('startPilot', '2026-03-02T01:00:00Z');
    await t('endPilot', '2026-03-03T10:00:00Z');
    await t('repilot', '2026-03-05T01:00:00Z');
    await t('endPilot', '2026-03-06T10:00:00Z');
    w.reads.add('CAMPAIGN', 'c-bbbbbbbbbbbb', '2026-03-02', { dials: 100, connects: 10 });
    w.reads.add('CAMPAIGN', 'c-bbbbbbbbbbbb', '2026-03-05', { dials: 100, connects: 40 });
    const target = await campaignReportTarget(w.deps, 'pilot', 'c-bbbbbbbbbbbb');
    const r = await buildCampaignReport(w.deps, target);
    expect(r.period).toMatchObject({ from: '2026-03-05', to: '2026-03-06' });
    expect(r.campaigns[0]?.period).toMatchObject({ dials: 100, connects: 40 });
  });
});
