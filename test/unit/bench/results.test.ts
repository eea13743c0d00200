import { describe, expect, it } from 'vitest';
import { evaluate, formatTable, formatValue, goalFor, mergeResults } from '../../../bench/lib/results.ts';

describe('mergeResults', () => {
  it('keeps the keys of suites that did not run and replaces those of suites that did', () => {
    const stored = { 'intake.rowsPerSecond': 900, 'lambda.bundleKb.old-fn': 700, 'lambda.maxBundleKb': 700 };
    const fresh = new Map([['lambda', { 'lambda.bundleKb.api-http-api': 480, 'lambda.maxBundleKb': 480 }]]);

    const merged = mergeResults(stored, fresh);

    expect(merged).toEqual({
      'intake.rowsPerSecond': 900,
      'lambda.bundleKb.api-http-api': 480,
      'lambda.maxBundleKb': 480,
    });
    expect(Object.keys(merged)).toEqual(['intake.rowsPerSecond', 'lambda.bundleKb.api-http-api', 'lambda.maxBundleKb']);
  });

  it('does not treat a suite name as the prefix of a longer one', () => {
    const merged = mergeResults({ 'lambdax.a': 1, 'lambda.a': 2 }, new Map([['lambda', { 'lambda.b': 3 }]]));

    expect(merged).toEqual({ 'lambda.b': 3, 'lambdax.a': 1 });
  });

  it('leaves stored keys untouched when no suite succeeded', () => {
    expect(mergeResults({ 'a.x': 1 }, new Map())).toEqual({ 'a.x': 1 });
  });
});

describe('goalFor', () => {
  const goals = {
    'lambda.*': { max: 10 },
    'lambda.bundleKb.*': { max: 600 },
    'lambda.bundleKb.api-http-api': { max: 700 },
  };

  it('prefers an exact key, then the longest matching pattern', () => {
    expect(goalFor('lambda.bundleKb.api-http-api', goals)).toEqual({ max: 700 });
    expect(goalFor('lambda.bundleKb.other', goals)).toEqual({ max: 600 });
    expect(goalFor('lambda.maxColdStartRatio', goals)).toEqual({ max: 10 });
    expect(goalFor('intake.rows', goals)).toBeUndefined();
  });
});

describe('evaluate', () => {
  it('passes values on the bound, fails values beyond it and leaves keys without goal unjudged', () => {
    const rows = evaluate(
      { 'a.max': 600, 'a.over': 600.1, 'a.min': 5, 'a.low': 4.9, 'a.free': 1 },
      { 'a.max': { max: 600 }, 'a.over': { max: 600 }, 'a.min': { min: 5 }, 'a.low': { min: 5, max: 10 } },
    );

    expect(rows).toEqual([
      { key: 'a.free', value: 1, goal: '', verdict: '' },
      { key: 'a.low', value: 4.9, goal: '>= 5 and <= 10', verdict: 'fail' },
      { key: 'a.max', value: 600, goal: '<= 600', verdict: 'pass' },
      { key: 'a.min', value: 5, goal: '>= 5', verdict: 'pass' },
      { key: 'a.over', value: 600.1, goal: '<= 600', verdict: 'fail' },
    ]);
  });
});

describe('formatTable', () => {
  it('aligns columns, right-aligns values and lists failed suites', () => {
    const table = formatTable(
      [
        { key: 'lambda.maxBundleKb', value: 478.25, goal: '<= 600', verdict: 'pass' },
        { key: 'lambda.maxColdStartRatio', value: 2.5, goal: '<= 2', verdict: 'fail' },
      ],
      new Map([['intake', 'boom']]),
    );

    expect(table.split('\n')).toEqual([
      'key                        value  goal    result',
      '------------------------  ------  ------  -----------',
      'lambda.maxBundleKb        478.25  <= 600  pass',
      'lambda.maxColdStartRatio     2.5  <= 2    fail',
      'intake (suite)                 -          ERROR: boom',
    ]);
  });
});

describe('formatValue', () => {
  it('keeps integers whole and rounds fractions to three decimals', () => {
    expect(formatValue(600)).toBe('600');
    expect(formatValue(1.23456)).toBe('1.235');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
  });
});
