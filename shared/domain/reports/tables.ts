import type { AgentFigures, CampaignFigures } from '#shared/domain/reports/figures';
import type { Report } from '#shared/domain/reports/report';

export type Cell = string | number | null;

/** One table of a report, as the CSV and XLSX attachments carry it (numbers stay numbers, rates are 0–1). */
export interface ReportTable {
  /** File-safe name: `campaigns`, `agents`, `trend`. */
  name: string;
  /** Sheet title (Chinese / English). */
  title: string;
  headers: string[];
  rows: Cell[][];
}

const opt = (x: number | undefined): Cell => (x === undefined ? null : round(x));
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export const CAMPAIGN_COLUMNS: [string, (f: CampaignFigures) => Cell][] = [
  ['名单量 list size', (f) => f.listSize ?? null],
  ['已拨客户 attempted', (f) => f.attempted ?? null],
  ['渗透率 penetration', (f) => opt(f.penetration)],
  ['拨打 dials', (f) => f.dials],
  ['接通 connects', (f) => f.connects],
  ['接通率 connect rate', (f) => opt(f.connectRate)],
  ['有效电话 effective', (f) => f.effective],
  ['成交 conversions', (f) => f.conversions],
  ['转化率 conversion rate', (f) => opt(f.conversionRate)],
  ['拒绝 refusals', (f) => f.refusals],
  ['拒绝来电 DNC', (f) => f.dnc],
  ['投诉 complaints', (f) => f.complaints],
  ['空号率 invalid rate', (f) => opt(f.invalidRate)],
  ['人均拨打次数 attempts/contact', (f) => opt(f.attemptsPerContact)],
  ['平均通话秒 avg talk s', (f) => opt(f.avgTalkSeconds)],
  ['放弃率 abandonment', (f) => opt(f.abandonmentRate)],
  ['销售额 sales', (f) => round(f.sales)],
];

export const AGENT_COLUMNS: [string, (a: AgentFigures) => Cell][] = [
  ['坐席 agent', (a) => a.name ?? a.agentId],
  ['拨打 dials', (a) => a.dials],
  ['有效电话 effective', (a) => a.effective],
  ['定额 quota', (a) => a.quota],
  ['完成率 attainment', (a) => opt(a.quotaAttainment)],
  ['成交 conversions', (a) => a.conversions],
  ['质检均分 QA avg', (a) => opt(a.qaAverage)],
  ['质检致命项 QA critical', (a) => a.qaCritical],
  ['投诉 complaints', (a) => a.complaints],
  ['工作日志 daily log', (a) => a.logStatus],
  ['销售额 sales', (a) => round(a.sales)],
  ['提成 commission', (a) => round(a.commission)],
];

/** The tables of a report in the order the e-mail shows them; empty tables are left out. */
export function reportTables(report: Report): ReportTable[] {
  const tables: ReportTable[] = [];
  if (report.campaigns.length > 0) {
    tables.push({
      name: 'campaigns',
      title: '项目 campaigns',
      headers: ['项目 campaign', '状态 state', '范围 scope', ...CAMPAIGN_COLUMNS.map(([h]) => h)],
      rows: report.campaigns.flatMap((c) => [
        [c.name, c.state, report.period.label, ...CAMPAIGN_COLUMNS.map(([, get]) => get(c.period))],
        [c.name, c.state, 'to date', ...CAMPAIGN_COLUMNS.map(([, get]) => get(c.toDate))],
      ]),
    });
    const held = report.campaigns.flatMap((c) => c.period.heldBack.map((h) => [c.name, h.reason, h.count]));
    if (held.length > 0) {
      tables.push({
        name: 'held-back',
        title: '暂缓拨打 held back',
        headers: ['项目 campaign', '原因 reason', '数量 count'],
        rows: held,
      });
    }
  }
  if (report.agents.length > 0) {
    tables.push({
      name: 'agents',
      title: '坐席 agents',
      headers: AGENT_COLUMNS.map(([h]) => h),
      rows: report.agents.map((a) => AGENT_COLUMNS.map(([, get]) => get(a))),
    });
  }
  if (report.trend.length > 0) {
    tables.push({
      name: 'trend',
      title: '趋势 trend',
      headers: ['日期 day', '拨打 dials', '接通 connects', '有效电话 effective', '成交 conversions'],
      rows: report.trend.map((t) => [t.day, t.dials, t.connects, t.effective, t.conversions]),
    });
  }
  return tables;
}
