import { Command, CommanderError } from 'commander';
import { register as campaignCheck } from '#cli/commands/campaign-check';
import { register as campaignExplain } from '#cli/commands/campaign-explain';
import { register as listsCheck } from '#cli/commands/lists-check';
import { register as listsUpload } from '#cli/commands/lists-upload';
import { register as login } from '#cli/commands/login';
import { register as report } from '#cli/commands/report';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_USAGE, processIo } from '#cli/io';

/** Each command module exports `register(program, io)`; add new commands to this list. */
const registrations: ((program: Command, io: CliIo) => void)[] = [
  campaignCheck,
  campaignExplain,
  listsCheck,
  listsUpload,
  login,
  report,
];

/** The `outcall` program with every command registered; it throws instead of exiting the process. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('outcall')
    .description('Outbound telemarketing campaigns on Amazon Connect')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    });
  for (const register of registrations) register(program, io);
  return program;
}

/** Runs the CLI with `argv` as `process.argv` (node, script, args...); sets the exit code on `io`. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<void> {
  try {
    await buildProgram(io).parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      io.setExitCode(error.exitCode === 0 ? 0 : EXIT_USAGE);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(error instanceof UsageError ? `outcall: ${message}` : `outcall: unexpected error: ${message}`);
    if (process.env.OUTCALL_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    io.setExitCode(EXIT_USAGE);
  }
}
