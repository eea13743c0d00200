import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_OK, processIo } from '#cli/io';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { periodContaining, REPORT_KINDS, type ReportKind } from '#shared/domain/reports/period';
import type { Report } from '#shared/domain/reports/report';
import { systemClock } from '#shared/ports/clock';
import {
  buildCampaignReport,
  buildTeamReport,
  campaignReportTarget,
  type ReportBuildDeps,
} from '#shared/use-cases/reports/build-report';
import { DEMO, demoDeps } from '#shared/use-cases/reports/demo';
import { composeMail } from '#shared/use-cases/reports/send-reports';

export interface ReportCommandOptions {
  kind: ReportKind;
  /** A day of the period (`YYYY-MM-DD`); default yesterday in the team's zone. */
  date?: string;
  campaign?: string;
  team?: string;
  out: string;
  /** Also write the CSV and XLSX attachments next to the HTML. */
  attachments?: boolean;
  demo?: boolean;
  endpoint?: string;
  table?: string;
  now?: Date;
}

/**
 * Builds one report and writes it as HTML (and optionally its attachments), without sending anything: the function
 * behind `outcall report`. `--demo` uses seeded figures and works offline.
 *
 * @throws UsageError for a missing team or campaign, a malformed date, or an unknown table.
 */
export async function renderReportFile(
  options: ReportCommandOptions,
  deps?: ReportBuildDeps,
): Promise<{ report: Report; files: string[] }> {
  const now = options.now ?? new Date();
  const d = deps ?? (options.demo ? demoDeps(now) : dynamoDeps(options));
  let report: Report;
  if (options.kind === 'pilot' || options.kind === 'campaign') {
    const id =
      options.campaign ??
      (options.demo ? (options.kind === 'pilot' ? DEMO.pilotCampaign : DEMO.completedCampaign) : undefined);
    if (!id) throw new UsageError(`--campaign is required for a ${options.kind} report`);
    report = await buildCampaignReport(d, await campaignReportTarget(d, options.kind, id)).catch(rethrowNotFound);
  } else {
    const teamId = options.team ?? (options.demo ? DEMO.teamId : undefined);
    if (!teamId) throw new UsageError(`--team is required for a ${options.kind} report`);
    const team = await d.agents.getTeam(teamId);
    if (!team) throw new UsageError(`team ${teamId} does not exist`);
    const day =
      options.date ?? DateTime.fromJSDate(now, { zone: team.timeZone }).minus({ days: 1 }).toFormat('yyyy-MM-dd');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !DateTime.fromISO(day).isValid)
      throw new UsageError(`--date must be YYYY-MM-DD, not "${day}"`);
    report = await buildTeamReport(
      d,
      options.kind,
      teamId,
      periodContaining(options.kind, day),
      await d.reads.settings(),
    );
  }
  const mail = await composeMail(report);
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, mail.html, 'utf8');
  const files = [options.out];
  if (options.attachments) {
    for (const a of mail.attachments) {
      const file = join(dirname(options.out), a.filename);
      await writeFile(file, a.content);
      files.push(file);
    }
  }
  return { report, files };
}

function dynamoDeps(options: ReportCommandOptions): ReportBuildDeps {
  const tableName = options.table ?? process.env.TABLE_NAME;
  if (!tableName) throw new UsageError('the table is unknown: pass --table or set TABLE_NAME (or use --demo)');
  const endpoint = options.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const client = createDocumentClient(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1' } : {});
  return {
    reads: new DynamoDbReportStore({ client, tableName }),
    agents: new DynamoDbAgentStore({ client, tableName }),
    campaigns: new DynamoDbCampaignRepository({ client, tableName }),
    clock: systemClock,
  };
}

function rethrowNotFound(error: unknown): never {
  if (error instanceof Error && error.name === 'NotFoundError') throw new UsageError(error.message);
  throw error;
}

function parseKind(value: string): ReportKind {
  if (!(REPORT_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${REPORT_KINDS.join(', ')}`);
  }
  return value as ReportKind;
}

/** Adds `report` to `program`. `deps` is for tests. */
export function register(program: Command, io: CliIo = processIo, deps?: ReportBuildDeps): void {
  program
    .command('report')
    .description('Render a report (daily, weekly, monthly, pilot review, campaign evaluation) to an HTML file')
    .requiredOption('--kind <kind>', `one of ${REPORT_KINDS.join(', ')}`, parseKind)
    .requiredOption('--out <file.html>', 'where to write the HTML')
    .option('--date <yyyy-mm-dd>', 'a day of the period (default: yesterday in the team zone)')
    .option('--team <id>', 'team of a daily, weekly or monthly report')
    .option('--campaign <id>', 'campaign of a pilot or campaign report')
    .option('--attachments', 'also write the CSV and XLSX attachments next to the HTML')
    .option('--demo', 'use seeded demo figures (offline)')
    .option('--endpoint <url>', 'DynamoDB endpoint (local stand-in); default DYNAMODB_ENDPOINT')
    .option('--table <name>', 'main table name; default TABLE_NAME')
    .action(async (opts: ReportCommandOptions) => {
      const { report, files } = await renderReportFile(opts, deps);
      io.out(`${report.kind} report for ${report.scope.type} ${report.scope.id}, ${report.period.label}`);
      for (const f of files) io.out(`  wrote ${f}`);
      io.setExitCode(EXIT_OK);
    });
}
