import type { DayFigures } from '#shared/domain/agents/agent';
import type { PlanPeriod } from '#shared/domain/agents/calendar';
import type { QuotaProgress } from '#shared/domain/agents/quota';
import type { MailMessage } from '#shared/ports/mailer';

/**
 * The reminder e-mails, in Chinese as the teams work, as plain text and HTML of the same content. Every value put
 * into HTML is escaped: names and e-mail addresses come from Connect and CSV files.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(title: string, paragraphs: string[], table?: { head: string[]; rows: string[][] }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  const grid = table
    ? `<table border="1" cellpadding="4" cellspacing="0"><thead><tr>${table.head
        .map((h) => `<th>${escapeHtml(h)}</th>`)
        .join('')}</tr></thead><tbody>${table.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}${grid}</body></html>`;
}

function figureLines(figures: DayFigures, progress: QuotaProgress): string[] {
  return [
    `拨打 Dials: ${figures.dials}`,
    `有效电话 Effective calls: ${progress.effective} / ${progress.quota} (${progress.percent}%)${
      progress.met ? ' — 已达标 quota met' : ` — 还差 ${progress.remaining} remaining`
    }`,
    `意向客户 Intentional customers: ${figures.intentional}`,
    `成交 Conversions: ${figures.conversions}`,
  ];
}

export interface AgentLogReminder {
  to: string;
  agentName?: string | undefined;
  day: string;
  /** Local time of the deadline, e.g. `18:00 (Asia/Shanghai)`. */
  deadline: string;
  figures: DayFigures;
  progress: QuotaProgress;
}

/** Shift end − 10 min: the log is not in yet; the day's figures and quota progress. */
export function renderAgentLogReminder(r: AgentLogReminder): MailMessage {
  const subject = `【工作日志提醒】${r.day} 有效电话 ${r.progress.effective}/${r.progress.quota} — daily log due ${r.deadline}`;
  const paragraphs = [
    `${r.agentName ?? ''}您好，`,
    `您 ${r.day} 的工作日志尚未提交，请在 ${r.deadline} 前提交（工作日志及工作明细）。`,
    `Your daily log for ${r.day} is not in yet; it is due at ${r.deadline}.`,
    ...figureLines(r.figures, r.progress),
  ];
  return { to: [r.to], subject, text: `${paragraphs.join('\n')}\n`, html: html(subject, paragraphs) };
}

export interface PlanReminder {
  to: string;
  agentName?: string | undefined;
  period: PlanPeriod;
  deadline: string;
}

/** The 15th and month end: the plan for the next half month or month. */
export function renderPlanReminder(r: PlanReminder): MailMessage {
  const what = r.period.kind === 'month' ? '月度工作计划 month plan' : '半月工作计划 half-month plan';
  const subject = `【工作计划提醒】${what} ${r.period.periodStart} – ${r.period.periodEnd}`;
  const paragraphs = [
    `${r.agentName ?? ''}您好，`,
    `请在 ${r.deadline} 前把 ${r.period.periodStart} 至 ${r.period.periodEnd} 的${what}发送给部门负责人。`,
    `Please send your plan for ${r.period.periodStart} to ${r.period.periodEnd} by ${r.deadline}.`,
  ];
  return { to: [r.to], subject, text: `${paragraphs.join('\n')}\n`, html: html(subject, paragraphs) };
}

export interface LeadDigestLine {
  agentId: string;
  name?: string | undefined;
  newAgent: boolean;
  figures: DayFigures;
  progress: QuotaProgress;
  logSubmitted: boolean;
}

export interface LeadDigest {
  to: readonly string[];
  teamName: string;
  day: string;
  /** Working agents of the day. */
  agents: readonly LeadDigestLine[];
}

/** Shift end + grace: who has not sent the log, and who is below quota, with the numbers. */
export function renderLeadDigest(d: LeadDigest): MailMessage {
  const missing = d.agents.filter((a) => !a.logSubmitted);
  const below = d.agents.filter((a) => !a.progress.met);
  const subject = `【日志与指标】${d.teamName} ${d.day}: ${missing.length} 份日志未交 logs missing, ${below.length} 人未达标 below quota`;
  const label = (a: LeadDigestLine) => `${a.name ?? a.agentId}${a.newAgent ? '（新员工 new）' : ''}`;
  const head = [
    '坐席 Agent',
    '日志 Log',
    '有效/指标 Effective/quota',
    '拨打 Dials',
    '意向 Intentional',
    '成交 Conversions',
  ];
  const rows = [...d.agents]
    .filter((a) => !a.logSubmitted || !a.progress.met)
    .map((a) => [
      label(a),
      a.logSubmitted ? '已交 in' : '未交 MISSING',
      `${a.progress.effective}/${a.progress.quota}${a.progress.met ? '' : ' ↓'}`,
      String(a.figures.dials),
      String(a.figures.intentional),
      String(a.figures.conversions),
    ]);
  const paragraphs = [
    `${d.teamName} ${d.day}：${d.agents.length} 人在岗 working，${missing.length} 份工作日志未提交，${below.length} 人未完成有效电话指标。`,
  ];
  const text = [
    ...paragraphs,
    '',
    `未交日志 Missing logs: ${missing.map(label).join(', ') || '—'}`,
    `未达标 Below quota: ${below.map((a) => `${label(a)} ${a.progress.effective}/${a.progress.quota}`).join(', ') || '—'}`,
    '',
    head.join(' | '),
    ...rows.map((r) => r.join(' | ')),
  ].join('\n');
  return { to: d.to, subject, text: `${text}\n`, html: html(subject, paragraphs, { head, rows }) };
}
