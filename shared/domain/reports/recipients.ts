import * as z from 'zod';

const emails = z.array(z.email()).max(200).default([]);

/**
 * Who receives which report, beyond those the system already knows (team leads from the team, planners and the
 * requesting department from the campaign, managers from the deploy parameter). One small item,
 * `REPORTS#CONFIG` / `RECIPIENTS`, edited with the CLI or by hand (docs/reports.md).
 */
export const reportSettingsSchema = z.object({
  /** Extra recipients of a team's daily, weekly and monthly reports, by team id. */
  teams: z.record(z.string().min(1), emails).default({}),
  /** Extra recipients of a campaign's pilot review and evaluation, by campaign id. */
  campaigns: z.record(z.string().min(1), emails).default({}),
  /** Extra recipients of the evaluation of campaigns requested by a department, by department name. */
  departments: z.record(z.string().min(1), emails).default({}),
  /** Call-centre managers beyond the deploy parameter `managerEmails`; they get every report. */
  managers: emails,
  /** Share of sales paid as commission. Default 0.01 (1 %). */
  commissionRate: z.number().min(0).max(1).default(0.01),
  /** Local hour (team zone) from which yesterday's report goes out, before the morning meeting. Default 7. */
  sendHour: z.number().int().min(0).max(23).default(7),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;
export type ReportSettingsInput = z.input<typeof reportSettingsSchema>;

export const DEFAULT_REPORT_SETTINGS: ReportSettings = reportSettingsSchema.parse({});

/** Lower-cased, trimmed, de-duplicated, in first-seen order. */
export function uniqueRecipients(...lists: readonly (readonly string[] | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const raw of list ?? []) {
      const address = raw.trim().toLowerCase();
      if (address !== '' && !seen.has(address)) {
        seen.add(address);
        out.push(address);
      }
    }
  }
  return out;
}

/** Splits recipients into messages of at most `size` (SES v2 takes 50 per message). */
export function chunkRecipients(recipients: readonly string[], size = 50): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < recipients.length; i += size) out.push(recipients.slice(i, i + size));
  return out;
}
