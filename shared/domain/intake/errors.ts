/**
 * Why a whole list file could not be read. Row-level problems are never errors: they become rejected rows with a
 * reason code. The message is written for the planner who uploaded the file and is safe to show.
 */
export const LIST_FILE_PROBLEMS = [
  'empty_file',
  'unsupported_type',
  'unsupported_encoding',
  'not_a_spreadsheet',
  'no_header',
  'no_phone_column',
  'too_large',
  // A CSV cell opens a quote that is never closed (or a record runs past the reader's bound, which in practice is the
  // same mistake): the file cannot be split into rows from there on.
  'unclosed_quote',
  'row_too_long',
] as const;
export type ListFileProblem = (typeof LIST_FILE_PROBLEMS)[number];

export class ListFileError extends Error {
  override readonly name = 'ListFileError';
  readonly problem: ListFileProblem;
  constructor(problem: ListFileProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}
