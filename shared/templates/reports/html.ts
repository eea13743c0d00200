import type { AgentFigures, CampaignFigures } from '#shared/domain/reports/figures';
import { change } from '#shared/domain/reports/figures';
import type { CampaignSection, Report, TrendPoint } from '#shared/domain/reports/report';

/**
 * Renders a report as one self-contained HTML page that mail clients show as intended: tables with inline styles,
 * charts drawn as table cells with widths and background colours (no script, no SVG, no external image), UTF-8 so
 * Chinese text stays as written. Everything fits 760 px, so nothing is cut off in a narrow reading pane.
 */

const KIND_TITLES: Record<Report['kind'], string> = {
  daily: '日报 Daily report',
  weekly: '周报 Weekly report',
  monthly: '月报 Monthly report',
  pilot: '试外呼评估 Pilot review',
  campaign: '项目评估报告 Campaign evaluation',
};

const COLOURS = { dials: '#94a3b8', connects: '#60a5fa', effective: '#22c55e', conversions: '#f59e0b', bad: '#ef4444' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Subject line of a report's e-mail. */
export function reportSubject(report: Report): string {
  return `[outcall] ${KIND_TITLES[report.kind]} · ${report.scope.name} · ${report.period.label}`;
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, digits = 1) => (x === undefined ? '—' : x.toFixed(digits));
const money = (x: number) => `¥${x.toFixed(2)}`;

function delta(current: number | undefined, previous: number | undefined): string {
  if (current === undefined || previous === undefined) return '—';
  const d = change(current, previous);
  if (d === undefined) return '—';
  const colour = d >= 0 ? '#15803d' : '#b91c1c';
  return `<span style="color:${colour}">${d >= 0 ? '▲' : '▼'} ${Math.abs(d * 100).toFixed(1)}%</span>`;
}

const TD = 'padding:4px 6px;border-bottom:1px solid #e5e7eb;font-size:12px;vertical-align:middle;word-break:break-word';
const TH = `${TD};background:#f1f5f9;font-weight:bold;text-align:left`;

/** A horizontal bar: a one-row table whose first cell's width is the share. */
function bar(share: number, colour: string): string {
  const w = Math.max(0, Math.min(100, Math.round(share * 100)));
  const cell = (width: number, background: string, cls: string) =>
    width > 0
      ? `<td class="${cls}" width="${width}%" style="width:${width}%;background:${background};height:10px;font-size:1px;line-height:1px">&nbsp;</td>`
      : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed;margin:1px 0"><tr>${cell(w, colour, 'bar')}${cell(100 - w, '#f1f5f9', 'bar-rest')}</tr></table>`;
}

function trendChart(title: string, trend: readonly TrendPoint[]): string {
  if (trend.length === 0) return '';
  const max = Math.max(1, ...trend.map((t) => t.dials));
  const rows = trend
    .map(
      (t) => `<tr><td style="${TD};width:80px;white-space:nowrap">${t.day.slice(5)}</td>
<td style="${TD}">${bar(t.dials / max, COLOURS.dials)}${bar(t.effective / max, COLOURS.effective)}${bar(t.conversions / max, COLOURS.conversions)}</td>
<td style="${TD};width:150px;text-align:right;white-space:nowrap">${int(t.dials)} / ${int(t.effective)} / ${int(t.conversions)}</td></tr>`,
    )
    .join('\n');
  return `<h3 style="font-size:14px;margin:16px 0 4px">${escapeHtml(title)}</h3>
<p style="font-size:11px;margin:0 0 4px;color:#475569"><span style="color:${COLOURS.dials}">■</span> 拨打 dials <span style="color:${COLOURS.effective}">■</span> 有效 effective <span style="color:${COLOURS.conversions}">■</span> 成交 conversions</p>
<table class="chart" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed">${rows}</table>`;
}

const CAMPAIGN_ROWS: [string, (f: CampaignFigures) => number | undefined, (x: number | undefined) => string][] = [
  ['名单量 list size', (f) => f.listSize, (x) => (x === undefined ? '—' : int(x))],
  ['已拨客户 attempted', (f) => f.attempted, (x) => (x === undefined ? '—' : int(x))],
  ['渗透率 penetration', (f) => f.penetration, pct],
  ['拨打 dials', (f) => f.dials, (x) => int(x ?? 0)],
  ['接通率 connect rate', (f) => f.connectRate, pct],
  ['有效电话 effective calls', (f) => f.effective, (x) => int(x ?? 0)],
  ['成交 conversions', (f) => f.conversions, (x) => int(x ?? 0)],
  ['转化率 conversion rate', (f) => f.conversionRate, pct],
  ['拒绝 refusals', (f) => f.refusals, (x) => int(x ?? 0)],
  ['拒绝来电 DNC requests', (f) => f.dnc, (x) => int(x ?? 0)],
  ['投诉 complaints', (f) => f.complaints, (x) => int(x ?? 0)],
  ['空号率 invalid-number rate', (f) => f.invalidRate, pct],
  ['人均拨打次数 attempts per contact', (f) => f.attemptsPerContact, (x) => num(x, 2)],
  ['平均通话时长 avg talk (s)', (f) => f.avgTalkSeconds, (x) => num(x, 0)],
  ['放弃率 abandonment rate', (f) => f.abandonmentRate, pct],
  ['销售额 sales', (f) => f.sales, (x) => money(x ?? 0)],
];

function campaignBlock(report: Report, c: CampaignSection): string {
  const rows = CAMPAIGN_ROWS.map(
    ([
      label,
      get,
      fmt,
    ]) => `<tr><td style="${TD}">${label}</td><td style="${TD};text-align:right">${fmt(get(c.period))}</td>
<td style="${TD};text-align:right">${fmt(get(c.previous))}</td><td style="${TD};text-align:right">${delta(get(c.period), get(c.previous))}</td>
<td style="${TD};text-align:right">${fmt(get(c.toDate))}</td></tr>`,
  ).join('\n');
  const held =
    c.period.heldBack.length === 0
      ? ''
      : `<p style="font-size:12px;margin:6px 0">暂缓拨打 held back: ${c.period.heldBack
          .map((h) => `${escapeHtml(h.reason)} ${int(h.count)}`)
          .join(' · ')}</p>`;
  const p = c.progress;
  const progress = p
    ? `<p style="font-size:12px;margin:8px 0 2px">截止进度 deadline: ${p.daysLeft} 天剩余 days left${p.behind ? ' · <b style="color:#b91c1c">落后 behind</b>' : ''}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="table-layout:fixed"><tr><td style="font-size:11px;width:110px">时间 time ${pct(p.timeElapsed)}</td><td>${bar(p.timeElapsed, COLOURS.dials)}</td></tr>
<tr><td style="font-size:11px;width:110px">名单 list ${pct(p.listDone)}</td><td>${bar(p.listDone ?? 0, p.behind ? COLOURS.bad : COLOURS.effective)}</td></tr></table>`
    : '';
  return `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(c.name)} <span style="font-size:12px;color:#64748b">(${escapeHtml(c.state)})</span></h2>
<table class="figures" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed">
<tr><th style="${TH};width:34%">指标 figure</th><th style="${TH};text-align:right">${escapeHtml(report.period.label)}</th><th style="${TH};text-align:right">上期 previous</th><th style="${TH};text-align:right">变化 change</th><th style="${TH};text-align:right">累计 to date</th></tr>
${rows}</table>${held}${progress}${report.kind === 'daily' ? '' : trendChart('趋势 trend', c.trend)}`;
}

function agentTable(report: Report): string {
  if (report.agents.length === 0) return '';
  const rows = report.agents
    .map((a) => {
      const prev = report.previousAgents[a.agentId];
      const share = a.quotaAttainment ?? 0;
      return `<tr><td style="${TD}">${escapeHtml(a.name ?? a.agentId)}</td><td style="${TD};text-align:right">${int(a.dials)}</td>
<td style="${TD}">${int(a.effective)} / ${int(a.quota)} ${delta(a.effective, prev?.effective)}${bar(Math.min(1, share), share >= 1 ? COLOURS.effective : COLOURS.bad)}</td>
<td style="${TD};text-align:right">${int(a.conversions)}</td><td style="${TD};text-align:right">${num(a.qaAverage)}${a.qaCritical > 0 ? ` <b style="color:#b91c1c">✕${a.qaCritical}</b>` : ''}</td>
<td style="${TD};text-align:right">${int(a.complaints)}</td><td style="${TD}">${escapeHtml(a.logStatus)}</td><td style="${TD};text-align:right">${money(a.commission)}</td></tr>`;
    })
    .join('\n');
  const rank = (title: string, list: readonly AgentFigures[]) =>
    list.length === 0
      ? ''
      : `<p style="font-size:12px;margin:4px 0">${title}: ${list.map((a) => `${escapeHtml(a.name ?? a.agentId)} (${pct(a.quotaAttainment)})`).join(' · ')}</p>`;
  return `<h2 style="font-size:16px;margin:20px 0 6px">坐席 Agents</h2>
<table class="agents" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed">
<tr><th style="${TH};width:16%">坐席 agent</th><th style="${TH};text-align:right;width:9%">拨打 dials</th><th style="${TH};width:25%">有效/定额 effective/quota</th><th style="${TH};text-align:right;width:9%">成交 conv.</th><th style="${TH};text-align:right;width:10%">质检 QA</th><th style="${TH};text-align:right;width:8%">投诉 compl.</th><th style="${TH};width:11%">日志 log</th><th style="${TH};text-align:right;width:12%">提成 commission</th></tr>
${rows}</table>${rank('最佳 top', report.top)}${rank('待提升 bottom', report.bottom)}`;
}

export function renderReportHtml(report: Report): string {
  const decisions =
    report.decisions.length === 0
      ? ''
      : `<h2 style="font-size:16px;margin:20px 0 6px">待决定 To decide</h2><ul style="font-size:13px;margin:0;padding-left:20px">${report.decisions
          .map((d) => `<li>${escapeHtml(d)}</li>`)
          .join('')}</ul>`;
  const notes = report.notes
    .map((n) => `<p style="font-size:11px;color:#64748b;margin:4px 0">${escapeHtml(n)}</p>`)
    .join('');
  const link = report.link
    ? `<p style="font-size:12px;margin:12px 0">存档 Archived copy: <a href="${escapeHtml(report.link)}">${escapeHtml(report.link)}</a></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(reportSubject(report))}</title></head>
<body style="margin:0;padding:0;background:#ffffff;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;color:#0f172a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:760px;width:100%;table-layout:fixed"><tr><td style="padding:12px">
<h1 style="font-size:20px;margin:0 0 4px">${KIND_TITLES[report.kind]} · ${escapeHtml(report.scope.name)}</h1>
<p style="font-size:12px;color:#475569;margin:0">${escapeHtml(report.period.from)} – ${escapeHtml(report.period.to)} (${escapeHtml(report.timeZone)}) · 对比上期 vs ${escapeHtml(report.previousPeriod.label)}</p>
${decisions}
${report.campaigns.map((c) => campaignBlock(report, c)).join('\n')}
${agentTable(report)}
${trendChart('团队趋势 Team trend', report.kind === 'daily' || report.scope.type === 'team' ? report.trend : [])}
${link}${notes}
<p style="font-size:11px;color:#94a3b8;margin:16px 0 0">由 outcall 根据计数器生成 · generated ${escapeHtml(report.generatedAt)} from counters</p>
</td></tr></table></td></tr></table></body></html>`;
}

/** The plain-text part of the e-mail: the headline figures and the link. */
export function renderReportText(report: Report): string {
  const lines = [reportSubject(report), `${report.period.from} – ${report.period.to} (${report.timeZone})`, ''];
  for (const d of report.decisions) lines.push(`* ${d}`);
  for (const c of report.campaigns) {
    const f = c.period;
    lines.push(
      `${c.name}: dials ${f.dials}, connect rate ${pct(f.connectRate)}, effective ${f.effective}, conversions ${f.conversions} (${pct(f.conversionRate)}), complaints ${f.complaints}`,
    );
  }
  for (const a of report.agents) {
    lines.push(
      `${a.name ?? a.agentId}: effective ${a.effective}/${a.quota}, conversions ${a.conversions}, log ${a.logStatus}`,
    );
  }
  if (report.link) lines.push('', `Archived copy: ${report.link}`);
  lines.push('', 'Tables attached as CSV and XLSX.');
  return lines.join('\n');
}
