import { DateTime } from 'luxon';
import { type Agent, agentSchema, type Team, teamSchema } from '#shared/domain/agents/agent';
import { type Campaign, type CampaignState, campaignSchema, campaignSpecSchema } from '#shared/domain/campaign';
import type { CampaignRepository, TransitionRecord } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { ReportBuildDeps } from '#shared/use-cases/reports/build-report';
import { InMemoryReportAgents, InMemoryReportReads } from '#shared/use-cases/reports/in-memory';

/** Ids of the demo data, for `outcall report --demo --campaign …`. */
export const DEMO = {
  teamId: 'sh-team-1',
  activeCampaign: 'c-demoactive0001',
  pilotCampaign: 'c-demopilot00001',
  completedCampaign: 'c-democomplete01',
} as const;

const ZONE = 'Asia/Shanghai';

/**
 * Seeded, deterministic figures for `outcall report --demo`: one Shanghai team of four agents, a campaign in each of
 * active, review (pilot ended) and completed, and 60 days of counters ending the day before `now`. No personal data:
 * names are made up, addresses are example.com.
 */
export function demoDeps(now: Date): ReportBuildDeps & { reads: InMemoryReportReads; agents: InMemoryReportAgents } {
  const reads = new InMemoryReportReads();
  const agents = new InMemoryReportAgents();
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const day = (back: number) => today.minus({ days: back }).toFormat('yyyy-MM-dd');
  const iso = (back: number) => today.minus({ days: back }).plus({ hours: 9 }).toUTC().toISO() ?? '';

  const team: Team = teamSchema.parse({
    id: DEMO.teamId,
    name: '上海一组 Shanghai team 1',
    leadEmails: ['lead.sh1@example.com'],
    timeZone: ZONE,
    updatedAt: iso(90),
    updatedBy: 'demo',
  });
  agents.teams.set(team.id, team);
  const people = [
    ['a-zhang', '张伟', day(200)],
    ['a-li', '李娜', day(120)],
    ['a-wang', '王芳', day(12)],
    ['a-chen', '陈杰', day(300)],
  ] as const;
  for (const [id, name, startDate] of people) {
    const agent: Agent = agentSchema.parse({ id, name, startDate, teamId: team.id, updatedAt: iso(90) });
    agents.agents.set(id, agent);
  }

  const campaigns = new DemoCampaigns();
  const mk = (id: string, name: string, state: CampaignState, createdBack: number, deadlineAhead: number) => {
    const spec = campaignSpecSchema.parse({
      name,
      purpose: 'sales',
      requestingDepartment: { name: '市场部 Marketing', email: 'marketing@example.com' },
      planners: ['planner@example.com'],
      script: { text: '您好，我是每天乐源的客服专员。' },
      defaultRegion: 'CN',
      callingRules: { timeZone: ZONE, windows: { monday: [{ start: '09:00', end: '20:00' }] } },
      deadline: today.plus({ days: deadlineAhead }).toISO(),
      connect: { instanceId: 'demo', contactFlowId: 'demo', sourcePhoneNumber: '+862161234567' },
      teamIds: [team.id],
    });
    const c: Campaign = campaignSchema.parse({
      ...spec,
      id,
      state,
      revision: 1,
      createdAt: iso(createdBack),
      updatedAt: iso(1),
      createdBy: 'demo',
    });
    campaigns.items.set(id, c);
    return c;
  };
  mk(DEMO.activeCampaign, '2027 鲜奶到家 年度订阅推广', 'active', 45, 20);
  mk(DEMO.pilotCampaign, '会员回访 试外呼 member callback pilot', 'review', 6, 40);
  mk(DEMO.completedCampaign, '春节礼盒邀约 gift box invitation', 'completed', 60, -1);
  campaigns.transitions.set(DEMO.pilotCampaign, [
    transition(DEMO.pilotCampaign, 'startPilot', 'draft', 'pilot', iso(4)),
    transition(DEMO.pilotCampaign, 'endPilot', 'pilot', 'review', iso(1)),
  ]);
  campaigns.transitions.set(DEMO.completedCampaign, [
    transition(DEMO.completedCampaign, 'complete', 'active', 'completed', iso(1)),
  ]);
  reads.setListSize(DEMO.activeCampaign, 40_000);
  reads.setListSize(DEMO.pilotCampaign, 400);
  reads.setListSize(DEMO.completedCampaign, 12_000);

  // Figures vary by day and agent in a fixed pattern, so every demo run shows the same report for the same day.
  for (let back = 1; back <= 60; back++) {
    const d = day(back);
    const weekday = today.minus({ days: back }).weekday;
    if (weekday > 5) continue;
    people.forEach(([id], i) => {
      const dials = 120 + ((back * 7 + i * 13) % 40) - i * 15;
      const connects = Math.round(dials * (0.38 + i * 0.03));
      const effective = Math.round(connects * 0.55) - (i === 2 ? 8 : 0);
      const conversions = Math.max(0, Math.round(effective * 0.1) - (i === 3 ? 1 : 0));
      const values = {
        dials,
        firstDials: Math.round(dials * 0.6),
        connects,
        reached: connects,
        effective,
        conversions,
        refusals: Math.round(connects * 0.3),
        dnc: back % 5 === 0 ? 1 : 0,
        complaints: back % 11 === i ? 1 : 0,
        invalid: Math.round(dials * 0.04),
        abandoned: Math.round(connects * 0.02),
        talkSeconds: connects * 95,
        orderAmount: conversions * 398,
        qaCount: 2,
        qaScoreSum: 170 - i * 6,
        qaCritical: back % 9 === i ? 1 : 0,
      };
      reads.add('AGENT', id, d, values);
      reads.add('TEAM', team.id, d, values);
      const campaignId =
        back <= 4 && i === 0 ? DEMO.pilotCampaign : back > 2 && i === 3 ? DEMO.completedCampaign : DEMO.activeCampaign;
      reads.add('CAMPAIGN', campaignId, d, values, i % 2);
    });
    const log = (id: string, late: boolean) =>
      agents.logs.set(`${id}#${d}`, {
        agentId: id,
        teamId: team.id,
        day: d,
        figures: { dials: 0, effective: 0, intentional: 0, conversions: 0 },
        quota: 50,
        submittedAt: iso(back),
        late,
        submissions: 1,
        summary: '',
        problems: '',
        tomorrowPlan: '',
      });
    log('a-zhang', false);
    log('a-li', back % 3 === 0);
    if (back % 2 === 0) log('a-wang', false);
  }
  const clock: Clock = { now: () => new Date(now) };
  return { reads, agents, campaigns, clock };
}

function transition(
  campaignId: string,
  action: string,
  from: CampaignState,
  to: CampaignState,
  at: string,
): TransitionRecord {
  return { campaignId, action, from, to, actor: 'demo', at };
}

class DemoCampaigns implements Pick<CampaignRepository, 'get' | 'list' | 'listTransitions'> {
  readonly items = new Map<string, Campaign>();
  readonly transitions = new Map<string, TransitionRecord[]>();
  async get(id: string) {
    return this.items.get(id);
  }
  async list(filter: { state?: CampaignState }) {
    return { items: [...this.items.values()].filter((c) => filter.state === undefined || c.state === filter.state) };
  }
  async listTransitions(id: string) {
    return this.transitions.get(id) ?? [];
  }
}
