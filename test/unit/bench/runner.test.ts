import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readResults, runSuites } from '../../../bench/lib/runner.ts';

describe('runSuites', () => {
  let root: string;
  let suitesDir: string;
  let resultsFile: string;
  const logs: string[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'outcall-bench-test-'));
    suitesDir = join(root, 'suites');
    resultsFile = join(root, 'bench-results.json');
    await mkdir(suitesDir);
    await writeFile(
      join(suitesDir, 'fast.ts'),
      `export const goals = { 'fast.ms': { max: 10 }, 'fast.kb.*': { max: 100 } };
       export default async function run(ctx) { return { 'fast.ms': 12, 'fast.kb.a': 50, 'fast.note': 1, 'fast.dir': ctx.workDir.endsWith('fast') ? 1 : 0 }; }`,
    );
    await writeFile(
      join(suitesDir, 'broken.ts'),
      `export default async function run() { throw new Error('no table'); }`,
    );
    await writeFile(join(suitesDir, 'foreign.ts'), `export default async function run() { return { 'other.x': 1 }; }`);
    logs.length = 0;
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const run = (suites: string[]) =>
    runSuites({ rootDir: root, suitesDir, suites, resultsFile, nodeBin: process.execPath, log: (m) => logs.push(m) });

  it('runs the others when one suite throws, reports it and marks the run as failing', async () => {
    await writeFile(resultsFile, JSON.stringify({ 'broken.old': 3, 'intake.rows': 7, 'fast.gone': 1 }));

    const report = await run(['broken', 'fast']);

    expect(report.failed).toEqual(new Map([['broken', 'no table']]));
    expect(report.failing).toBe(true);
    expect(JSON.parse(await readFile(resultsFile, 'utf8'))).toEqual({
      'broken.old': 3,
      'fast.dir': 1,
      'fast.kb.a': 50,
      'fast.ms': 12,
      'fast.note': 1,
      'intake.rows': 7,
    });
    expect(report.rows.map((r) => [r.key, r.verdict])).toEqual([
      ['fast.dir', ''],
      ['fast.kb.a', 'pass'],
      ['fast.ms', 'fail'],
      ['fast.note', ''],
    ]);
    expect(report.table).toContain('broken (suite)');
  });

  it('fails a suite that writes keys of another suite, without storing them', async () => {
    const report = await run(['foreign']);

    expect(report.failed.get('foreign')).toMatch(/other\.x/);
    expect(await readResults(resultsFile)).toEqual({});
  });

  it('refuses a corrupt results file instead of overwriting it', async () => {
    await writeFile(resultsFile, JSON.stringify({ 'a.x': 'big' }));

    await expect(run(['fast'])).rejects.toThrow(/a\.x/);
    expect(await readFile(resultsFile, 'utf8')).toBe(JSON.stringify({ 'a.x': 'big' }));
  });
});
