import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, processIo } from '#cli/io';
import { commandGroup } from '#cli/program';
import { rejectsCsvSink } from '#shared/adapters/files/rejects-csv';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import type { IntakeSummary } from '#shared/domain/intake/classify';
import { ListFileError } from '#shared/domain/intake/errors';
import { isSupportedRegion } from '#shared/domain/intake/phone';
import type { RejectSink } from '#shared/ports/list-intake';
import { runIntake } from '#shared/use-cases/intake/classify-list';

export interface ListsCheckOptions {
  region: string;
  json?: boolean;
  rejects?: string;
  /** Zone for numbers whose own zone is unknown; only shown per contact, so the default rarely matters offline. */
  timeZone: string;
  maxMb: number;
}

/**
 * `outcall lists check <file>`: the same reading and cleaning as an upload, offline (no AWS): duplicates are found
 * within the file only and nothing is suppressed. Returns the exit code: 0 when the file could be read, even with
 * rejected rows; 1 with a one-line reason when it is not a readable list (empty, not a spreadsheet, no phone column,
 * too large, unsupported type); 2 for usage problems (no such file, unknown region).
 */
export async function checkList(
  file: string,
  options: ListsCheckOptions,
  io: Pick<CliIo, 'out' | 'err'> = processIo,
): Promise<number> {
  let rejects: RejectSink | undefined;
  try {
    const region = options.region.toUpperCase();
    if (!isSupportedRegion(region))
      throw new UsageError(`unknown region "${options.region}"; use an ISO code such as CN`);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`no such file: ${file}`);
    const maxBytes = options.maxMb * 1024 * 1024;
    if (info.size > maxBytes) {
      throw new ListFileError('too_large', `the file is larger than the limit of ${options.maxMb} MiB`);
    }
    rejects = options.rejects ? rejectsCsvSink(createWriteStream(options.rejects)) : undefined;
    const summary = await runIntake({
      bytes: createReadStream(file),
      reader: spreadsheetReader({ maxBytes }),
      region,
      defaultTimeZone: options.timeZone,
      ...(rejects ? { rejects } : {}),
    });
    await rejects?.close();
    if (options.json) io.out(JSON.stringify(jsonSummary(summary)));
    else for (const line of humanSummary(summary)) io.out(line);
    return EXIT_OK;
  } catch (error) {
    await rejects?.close().catch(() => {});
    io.err(`outcall: ${oneLine(error)}`);
    return error instanceof ListFileError ? EXIT_INVALID : EXIT_USAGE;
  }
}

function jsonSummary(s: IntakeSummary) {
  return {
    rows: s.rows,
    accepted: s.accepted,
    duplicates: s.duplicates,
    suppressed: s.suppressed,
    rejected: s.rejected,
    reasons: s.reasons,
    encoding: s.encoding,
  };
}

function humanSummary(s: IntakeSummary): string[] {
  const lines = [
    `${s.format.toUpperCase()}, ${s.encoding}: ${s.rows} rows`,
    `  accepted    ${s.accepted}`,
    `  duplicates  ${s.duplicates}`,
    `  suppressed  ${s.suppressed}`,
    `  rejected    ${s.rejected}`,
  ];
  for (const [code, n] of Object.entries(s.reasons).sort((a, b) => b[1] - a[1])) lines.push(`    ${code}: ${n}`);
  const renamed = Object.entries(s.headerMap).filter(([key, header]) => key !== header);
  if (renamed.length > 0) lines.push(`columns: ${renamed.map(([key, header]) => `${header} → ${key}`).join(', ')}`);
  return lines;
}

// File problems carry a message written for the planner; anything else is shown by its message only, never a stack.
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim() || 'the file could not be read';
}

/** Adds `lists check` to the program (the `lists` group is shared with other list commands). */
export function register(program: Command, io: CliIo = processIo): void {
  commandGroup(program, 'lists', 'Work with call lists')
    .command('check')
    .description('read and clean a call list offline (CSV or .xlsx) and print what an upload would do')
    .argument('<file>', 'the list: CSV (UTF-8, GBK/GB18030, …) or .xlsx')
    .option('--region <code>', 'ISO region for numbers without a country code', 'CN')
    .option('--json', 'print one JSON object')
    .option('--rejects <out.csv>', 'write rejected rows (row, raw value, reason) to this CSV')
    .option('--time-zone <zone>', "zone for numbers whose own zone is unknown (the campaign's)", 'Asia/Shanghai')
    .option('--max-mb <n>', 'largest file accepted, in MiB', (v) => Number.parseInt(v, 10), 512)
    .action(async (file: string, options: ListsCheckOptions) => {
      io.setExitCode(await checkList(file, options, io));
    });
}
