import * as z from 'zod';

/**
 * A goal for one result key. `max` and `min` are inclusive bounds; a key matched by no goal is reported without a
 * verdict. Keys may end in `*` to cover per-function keys such as `lambda.bundleKb.*`.
 */
export const goalSchema = z
  .object({ max: z.number().finite().optional(), min: z.number().finite().optional() })
  .strict()
  .refine((g) => g.max !== undefined || g.min !== undefined, { message: 'a goal needs `max` or `min`' });
export type Goal = z.infer<typeof goalSchema>;

export const goalsSchema = z.record(z.string().min(1), goalSchema);
export type Goals = z.infer<typeof goalsSchema>;

/** What a suite returns: flat keys, each a finite number. */
export const suiteResultSchema = z.record(z.string().min(1), z.number().finite());
export type SuiteResult = z.infer<typeof suiteResultSchema>;

/** Handed to every suite by bench/run.ts. */
export interface SuiteContext {
  /** The suite's own name (its file name without `.ts`); every key it returns must start with `<name>.`. */
  readonly name: string;
  /** Absolute path of the repository root. */
  readonly rootDir: string;
  /** Scratch directory for the suite (`.bench/<name>`, git-ignored), created before the suite runs. */
  readonly workDir: string;
  /** The Node binary that runs the bench (Node 24 under npm scripts); use it for child processes. */
  readonly nodeBin: string;
  /** Progress output; goes to stderr so stdout stays the result table. */
  log(message: string): void;
}

/** The module shape of bench/suites/<name>.ts. */
export interface SuiteModule {
  default: (ctx: SuiteContext) => Promise<SuiteResult>;
  goals?: Goals;
}

export class InvalidSuiteError extends Error {
  override name = 'InvalidSuiteError';
}

/** Checks a dynamically imported module against the suite contract; throws `InvalidSuiteError` with the reason. */
export function asSuiteModule(name: string, mod: unknown): SuiteModule {
  const m = mod as Partial<SuiteModule> | undefined;
  if (typeof m?.default !== 'function') {
    throw new InvalidSuiteError(`suite ${name}: the default export must be an async function run(ctx)`);
  }
  const goals = m.goals === undefined ? undefined : goalsSchema.safeParse(m.goals);
  if (goals && !goals.success) {
    throw new InvalidSuiteError(`suite ${name}: invalid goals: ${z.prettifyError(goals.error)}`);
  }
  return goals ? { default: m.default, goals: goals.data } : { default: m.default };
}

/** Validates a suite's return value: a flat record of finite numbers whose keys all start with `<name>.`. */
export function checkSuiteResult(name: string, value: unknown): SuiteResult {
  const parsed = suiteResultSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidSuiteError(`suite ${name} returned an invalid result: ${z.prettifyError(parsed.error)}`);
  }
  const foreign = Object.keys(parsed.data).filter((key) => !key.startsWith(`${name}.`));
  if (foreign.length > 0) {
    throw new InvalidSuiteError(`suite ${name} returned keys outside "${name}.": ${foreign.join(', ')}`);
  }
  return parsed.data;
}
