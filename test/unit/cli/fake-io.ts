import type { CliIo } from '#cli/io';

/** A CLI io that keeps what a command printed and the exit code it set, for assertions. */
export function fakeIo() {
  const io = { stdout: [] as string[], stderr: [] as string[], exitCode: undefined as number | undefined };
  const cli: CliIo = {
    out: (line) => void io.stdout.push(line),
    err: (line) => void io.stderr.push(line),
    setExitCode: (code) => {
      io.exitCode = code;
    },
  };
  return { io, cli };
}
