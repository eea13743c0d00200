/**
 * Where a command writes and how it reports its exit code. Commands take it as a parameter so unit tests can run
 * them in-process and read what they printed.
 */
export interface CliIo {
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes one line (a newline is added) to standard error. */
  err(line: string): void;
  /** Exit codes: 0 success, 1 the input was checked and is invalid, 2 usage or I/O error. */
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
