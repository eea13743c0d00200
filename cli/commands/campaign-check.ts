import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { parseDocument } from 'yaml';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_INVALID, EXIT_OK, processIo } from '#cli/io';
import { commandGroup } from '#cli/program';
import { nextWindows, SEARCH_HORIZON_DAYS } from '#shared/domain/calling-window';
import { type CampaignSpec, campaignSpecSchema } from '#shared/domain/campaign';
import { issuesFrom } from '#shared/domain/errors';

/** Windows listed when `--count` is not given. */
export const DEFAULT_WINDOW_COUNT = 5;
const MAX_WINDOW_COUNT = 100;

export interface CampaignCheckOptions {
  /** Start of the listing. A string without an offset is read in the campaign's zone. Default: `now`. */
  from?: string | Date;
  /** Number of windows to list. Default {@link DEFAULT_WINDOW_COUNT}. */
  count?: number;
  /** The current instant, for `from` when it is absent. Default: the system clock. */
  now?: Date;
}

/** The result `--json` prints, exactly these three keys. Times are ISO 8601 with the campaign zone's offset. */
export interface CampaignCheckReport {
  valid: boolean;
  /** `path: message` lines, empty when valid. */
  errors: string[];
  windows: { start: string; end: string }[];
}

export interface CampaignCheckResult extends CampaignCheckReport {
  /** The parsed campaign (defaults applied) when valid. */
  campaign?: CampaignSpec;
  /** Instant the listing starts at, when valid. */
  from?: Date;
  /** Windows were cut at the campaign's deadline: none open after it. */
  endsAtDeadline: boolean;
}

/**
 * Validates campaign file text (YAML or JSON) and lists its next open calling windows, cut at the campaign's
 * deadline because nothing is dialled after it.
 *
 * @throws UsageError when `options.from` is not an ISO 8601 date or time.
 */
export function checkCampaign(text: string, options: CampaignCheckOptions = {}): CampaignCheckResult {
  const count = options.count ?? DEFAULT_WINDOW_COUNT;
  if (typeof options.from === 'string') parseFrom(options.from, 'UTC');

  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => `(syntax): ${(e.message.split('\n')[0] ?? e.message).replace(/:$/, '')}`);
    return { valid: false, errors, windows: [], endsAtDeadline: false };
  }
  const parsed = campaignSpecSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const errors = issuesFrom(parsed.error.issues).map((i) => `${i.path}: ${i.message}`);
    return { valid: false, errors, windows: [], endsAtDeadline: false };
  }

  const campaign = parsed.data;
  const zone = campaign.callingRules.timeZone;
  const from =
    typeof options.from === 'string' ? parseFrom(options.from, zone) : (options.from ?? options.now ?? new Date());
  const deadline = new Date(campaign.deadline);
  const found = from < deadline ? nextWindows(campaign.callingRules, from, count) : [];
  const windows = found
    .filter((w) => w.start < deadline)
    .map((w) => ({ start: w.start, end: w.end < deadline ? w.end : deadline }));
  return {
    valid: true,
    errors: [],
    windows: windows.map((w) => ({ start: isoIn(w.start, zone), end: isoIn(w.end, zone) })),
    campaign,
    from,
    endsAtDeadline: from >= deadline || found.some((w) => w.end > deadline),
  };
}

/**
 * Reads `file` and checks it; the function behind `outcall campaign check`.
 *
 * @throws UsageError when the file cannot be read or `from` is malformed.
 */
export async function checkCampaignFile(
  file: string,
  options: CampaignCheckOptions = {},
): Promise<CampaignCheckResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    throw new UsageError(`cannot read campaign file "${file}": ${reason}`);
  }
  return checkCampaign(text, options);
}

/** Human-readable report lines, windows in the campaign's zone with its offset. */
export function formatCampaignCheck(file: string, result: CampaignCheckResult): string[] {
  if (!result.valid || !result.campaign) {
    const n = result.errors.length;
    return [`${file}: invalid campaign (${n} ${n === 1 ? 'error' : 'errors'})`, ...result.errors.map((e) => `  ${e}`)];
  }
  const zone = result.campaign.callingRules.timeZone;
  const from = result.from ? DateTime.fromJSDate(result.from, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ') : '';
  const lines = [
    `${file}: valid campaign "${result.campaign.name}" (${zone})`,
    `Next ${result.windows.length} calling ${result.windows.length === 1 ? 'window' : 'windows'} from ${from}:`,
  ];
  for (const w of result.windows) {
    const start = DateTime.fromISO(w.start, { setZone: true });
    const end = DateTime.fromISO(w.end, { setZone: true });
    const endText = end.hasSame(start, 'day') ? end.toFormat('HH:mm') : end.toFormat('ccc yyyy-MM-dd HH:mm');
    const offsets =
      start.offset === end.offset ? start.toFormat('ZZ') : `${start.toFormat('ZZ')} → ${end.toFormat('ZZ')}`;
    lines.push(`  ${start.toFormat('ccc yyyy-MM-dd HH:mm')} – ${endText} (UTC${offsets})`);
  }
  if (result.endsAtDeadline) {
    lines.push(
      `  (no calls after the deadline ${DateTime.fromISO(result.campaign.deadline, { zone }).toISO({ suppressMilliseconds: true })})`,
    );
  } else if (result.windows.length === 0) {
    lines.push(`  (no calling window opens in the next ${SEARCH_HORIZON_DAYS} days)`);
  }
  return lines;
}

/** Adds `campaign check <file>` to the `campaign` group of `program`. */
export function register(program: Command, io: CliIo = processIo): void {
  commandGroup(program, 'campaign', 'Work with campaign files')
    .command('check')
    .description('Validate a campaign file (YAML or JSON) and list its next open calling windows')
    .argument('<file>', 'campaign file, .yaml or .json')
    .option('--from <iso>', 'list windows from this ISO 8601 time (no offset: campaign zone); default now')
    .option('--count <n>', `number of windows to list (1-${MAX_WINDOW_COUNT})`, parseCount, DEFAULT_WINDOW_COUNT)
    .option('--json', 'print one JSON object { valid, errors, windows }')
    .action(async (file: string, opts: { from?: string; count: number; json?: boolean }) => {
      const result = await checkCampaignFile(file, { from: opts.from, count: opts.count });
      if (opts.json) {
        const report: CampaignCheckReport = { valid: result.valid, errors: result.errors, windows: result.windows };
        io.out(JSON.stringify(report));
      } else {
        for (const line of formatCampaignCheck(file, result)) io.out(line);
      }
      io.setExitCode(result.valid ? EXIT_OK : EXIT_INVALID);
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW_COUNT) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_WINDOW_COUNT}`);
  }
  return n;
}

function parseFrom(value: string, zone: string): Date {
  const parsed = DateTime.fromISO(value, { zone });
  if (!parsed.isValid) throw new UsageError(`--from "${value}" is not an ISO 8601 date or time`);
  return parsed.toJSDate();
}

function isoIn(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
}
