import type { IntakeSummary } from '#shared/domain/intake/classify';
import type { MailMessage } from '#shared/ports/mailer';
import type { ListFailure } from '#shared/use-cases/intake/list-record';

/** Shown to planners; reason codes stay as they are in the rejects file so the two can be matched. */
const REASON_LABELS: Record<string, string> = {
  malformed_row: '格式错误 / malformed row',
  missing_phone: '缺少号码 / missing phone',
  scientific_notation: '科学计数法 / scientific notation',
  multiple_numbers: '多个号码 / several numbers in one cell',
  invalid_number: '无效号码 / invalid number',
  duplicate_in_file: '文件内重复 / duplicate in file',
  duplicate_in_campaign: '项目内已有 / already in campaign',
  do_not_call: '免打扰 / do not call',
  allocated_elsewhere: '已分配给其他项目 / allocated to another campaign',
};

export interface ListReportInput {
  fileName: string;
  campaignName?: string | undefined;
  summary?: IntakeSummary | undefined;
  failure?: ListFailure | undefined;
  rejectsKey?: string | undefined;
}

/** The e-mail that tells planners how a list went: the same content as text and as HTML. */
export function listReportMail(to: readonly string[], input: ListReportInput): MailMessage {
  const where = input.campaignName ? ` — ${input.campaignName}` : '';
  if (input.failure || !input.summary) {
    const reason = input.failure?.message ?? 'unknown';
    return {
      to,
      subject: `名单导入失败 / List failed: ${input.fileName}${where}`,
      text: `The list ${input.fileName} was not loaded. Nothing from it will be called.\nReason: ${reason}\n`,
      html: `<p>The list <b>${esc(input.fileName)}</b> was not loaded. Nothing from it will be called.</p><p>Reason: ${esc(reason)}</p>`,
    };
  }
  const s = input.summary;
  const lines: [string, string][] = [
    ['rows', String(s.rows)],
    ['accepted', String(s.accepted)],
    ['duplicates', String(s.duplicates)],
    ['suppressed', String(s.suppressed)],
    ['rejected', String(s.rejected)],
    ...Object.entries(s.reasons).map(([r, n]): [string, string] => [`  ${REASON_LABELS[r] ?? r}`, String(n)]),
    ['encoding', s.encoding],
    ['duration', `${(s.durationMs / 1000).toFixed(1)} s`],
  ];
  const rejects = input.rejectsKey ? `Rejected rows with reasons: ${input.rejectsKey}` : '';
  return {
    to,
    subject: `名单已导入 / List loaded: ${input.fileName}${where} (${s.accepted} accepted)`,
    text: `The list ${input.fileName} is loaded.\n\n${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${rejects}\n`,
    html: `<p>The list <b>${esc(input.fileName)}</b> is loaded.</p><table>${lines
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`)
      .join('')}</table>${rejects ? `<p>${esc(rejects)}</p>` : ''}`,
  };
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
