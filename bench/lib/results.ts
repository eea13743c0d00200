import type { Goal, Goals, SuiteResult } from './suite.ts';

export type Verdict = 'pass' | 'fail' | '';

export interface ResultRow {
  key: string;
  value: number;
  goal: string;
  verdict: Verdict;
}

/**
 * Merges fresh suite results into the stored ones. Keys of a suite that ran are replaced as a whole (so a function
 * that was deleted does not linger as `lambda.bundleKb.<old>`); keys of suites that did not run are kept.
 */
export function mergeResults(
  stored: Readonly<Record<string, number>>,
  fresh: ReadonlyMap<string, SuiteResult>,
): Record<string, number> {
  const prefixes = [...fresh.keys()].map((suite) => `${suite}.`);
  const merged: Record<string, number> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (!prefixes.some((prefix) => key.startsWith(prefix))) merged[key] = value;
  }
  for (const result of fresh.values()) Object.assign(merged, result);
  return sortKeys(merged);
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The goal for a key: an exact entry wins, then the longest matching `prefix*` pattern. */
export function goalFor(key: string, goals: Goals): Goal | undefined {
  const exact = goals[key];
  if (exact) return exact;
  let best: { length: number; goal: Goal } | undefined;
  for (const [pattern, goal] of Object.entries(goals)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (key.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, goal };
  }
  return best?.goal;
}

export function meetsGoal(value: number, goal: Goal): boolean {
  return (goal.max === undefined || value <= goal.max) && (goal.min === undefined || value >= goal.min);
}

export function describeGoal(goal: Goal): string {
  const parts: string[] = [];
  if (goal.min !== undefined) parts.push(`>= ${goal.min}`);
  if (goal.max !== undefined) parts.push(`<= ${goal.max}`);
  return parts.join(' and ');
}

/** One row per result key, in key order, with the verdict against its goal (blank when it has none). */
export function evaluate(results: Readonly<Record<string, number>>, goals: Goals): ResultRow[] {
  return Object.keys(results)
    .sort()
    .map((key) => {
      const value = results[key] as number;
      const goal = goalFor(key, goals);
      if (!goal) return { key, value, goal: '', verdict: '' as const };
      return { key, value, goal: describeGoal(goal), verdict: meetsGoal(value, goal) ? 'pass' : 'fail' };
    });
}

/** Up to three decimals, without trailing zeros, so sizes and ratios stay readable side by side. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** A plain-text table: key, value, goal, pass/fail, plus one line per failed suite. */
export function formatTable(rows: readonly ResultRow[], failedSuites: ReadonlyMap<string, string> = new Map()): string {
  const header = ['key', 'value', 'goal', 'result'];
  const body = rows.map((r) => [r.key, formatValue(r.value), r.goal, r.verdict]);
  for (const [suite, message] of failedSuites) body.push([`${suite} (suite)`, '-', '', `ERROR: ${message}`]);
  const table = [header, ...body];
  const widths = header.map((_, i) => Math.max(...table.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
