import type { Command } from 'commander';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_OK, processIo } from '#cli/io';
import { commandGroup } from '#cli/program';
import type { DiagnosticsReport } from '#events/api/diagnostics';
import { NotFoundError } from '#shared/domain/errors';
import { systemClock } from '#shared/ports/clock';
import type { DiagnosticsDeps } from '#shared/use-cases/dialing/diagnostics';

export interface CampaignExplainOptions {
  /** DynamoDB endpoint (a local stand-in); default `DYNAMODB_ENDPOINT`, else AWS. */
  endpoint?: string;
  /** Main table; default `TABLE_NAME`. */
  table?: string;
  json?: boolean;
}

/** The explain report as lines for a person. */
export function formatExplain(report: DiagnosticsReport): string[] {
  const lines = [`campaign ${report.campaignId} (${report.state}) at ${report.at}`, report.summary];
  for (const hold of report.campaignHolds) lines.push(`  campaign held: ${hold.reason} — ${hold.message}`);
  const c = report.contacts;
  lines.push(
    `  contacts: ${c.accepted} accepted, ${c.waiting} waiting, ${c.dueNow} due now, ${c.dialableNow} dialable now${c.dialableNowExact ? '' : ' (estimated)'}, ${c.inFlightExact ? '' : 'at least '}${c.inFlight} in flight`,
    `  final: ${c.invalid} invalid, ${c.exhausted} exhausted, ${c.doNotCall} do-not-call`,
  );
  for (const [reason, n] of Object.entries(report.held)) lines.push(`  held ${reason}: ${n}`);
  for (const z of report.zones) {
    const state = z.open ? 'open' : z.restrictedToday ? 'holiday' : 'closed';
    lines.push(
      `  zone ${z.zone}: ${state}${z.nextOpenAt ? `, opens ${z.nextOpenAt}` : ''}; ${z.dueNow} due now, ${z.later} later, ${c.inFlightExact ? '' : 'at least '}${z.inFlight} in flight`,
    );
  }
  if (report.connect.error) lines.push(`  Connect error: ${report.connect.error.code} ${report.connect.error.message}`);
  if (report.recent.lastThrottledAt) lines.push(`  last throttled by Connect at ${report.recent.lastThrottledAt}`);
  if (report.recent.lastExpiredAt) lines.push(`  last dial expired at ${report.recent.lastExpiredAt}`);
  return lines;
}

/** Builds the diagnostics dependencies on DynamoDB; the SDK is loaded only when the command runs. */
async function dynamoDeps(options: CampaignExplainOptions): Promise<DiagnosticsDeps> {
  const table = options.table ?? process.env.TABLE_NAME;
  if (!table) throw new UsageError('the table is unknown: pass --table or set TABLE_NAME');
  const endpoint = options.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const [{ createDocumentClient }, { DynamoDbCampaignRepository }, { DynamoDbDialingStore }] = await Promise.all([
    import('#shared/adapters/dynamodb/client'),
    import('#shared/adapters/dynamodb/campaign-repository'),
    import('#shared/adapters/dynamodb/dialing-store'),
  ]);
  const client = createDocumentClient(endpoint ? { endpoint } : {});
  return {
    campaigns: new DynamoDbCampaignRepository({ client, tableName: table }),
    store: new DynamoDbDialingStore({ client, tableName: table }),
    clock: systemClock,
  };
}

/**
 * `outcall campaign explain <id>`: why a campaign's contacts are or are not dialed now, read from DynamoDB.
 * `deps` is for tests; the command otherwise builds adapters from `--endpoint`/`--table` or the environment.
 */
export function register(program: Command, io: CliIo = processIo, deps?: DiagnosticsDeps): void {
  commandGroup(program, 'campaign', 'Work with campaign files')
    .command('explain')
    .description('Why is nothing dialing? Contacts dialable now and held back, by reason')
    .argument('<id>', 'campaign id, e.g. c-abcdefghij')
    .option('--endpoint <url>', 'DynamoDB endpoint (local stand-in); default DYNAMODB_ENDPOINT')
    .option('--table <name>', 'main table name; default TABLE_NAME')
    .option('--json', 'print the report as one JSON object')
    .action(async (id: string, opts: CampaignExplainOptions) => {
      const { explainCampaign } = await import('#shared/use-cases/dialing/diagnostics');
      let report: DiagnosticsReport;
      try {
        report = await explainCampaign(deps ?? (await dynamoDeps(opts)), id);
      } catch (error) {
        if (error instanceof NotFoundError) throw new UsageError(error.message);
        throw error;
      }
      if (opts.json) io.out(JSON.stringify(report));
      else for (const line of formatExplain(report)) io.out(line);
      io.setExitCode(EXIT_OK);
    });
}
