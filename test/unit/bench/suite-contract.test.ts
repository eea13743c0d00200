import { describe, expect, it } from 'vitest';
import { selectSuites, UnknownSuiteError } from '../../../bench/lib/discover.ts';
import { asSuiteModule, checkSuiteResult, InvalidSuiteError } from '../../../bench/lib/suite.ts';

describe('selectSuites', () => {
  const available = ['intake', 'lambda', 'reports'];

  it('runs every suite when none is named', () => {
    expect(selectSuites(available, [])).toEqual(available);
  });

  it('runs the named suites in the order given, each once', () => {
    expect(selectSuites(available, ['lambda', 'intake', 'lambda'])).toEqual(['lambda', 'intake']);
  });

  it('rejects an unknown suite and names the available ones', () => {
    expect(() => selectSuites(available, ['lamda'])).toThrow(UnknownSuiteError);
    expect(() => selectSuites(available, ['lamda'])).toThrow(/lamda.*available: intake, lambda, reports/);
  });
});

describe('checkSuiteResult', () => {
  it('accepts flat finite numbers under the suite prefix', () => {
    expect(checkSuiteResult('lambda', { 'lambda.maxBundleKb': 480 })).toEqual({ 'lambda.maxBundleKb': 480 });
  });

  it.each([
    ['a non-number', { 'lambda.x': '480' }],
    ['NaN', { 'lambda.x': Number.NaN }],
    ['Infinity', { 'lambda.x': Number.POSITIVE_INFINITY }],
    ['a nested object', { 'lambda.x': { y: 1 } }],
    ['undefined', undefined],
  ])('rejects %s', (_label, value) => {
    expect(() => checkSuiteResult('lambda', value)).toThrow(InvalidSuiteError);
  });

  it('rejects keys outside the suite prefix', () => {
    expect(() => checkSuiteResult('lambda', { 'intake.rows': 1 })).toThrow(/intake\.rows/);
  });
});

describe('asSuiteModule', () => {
  const run = async () => ({});

  it('accepts a default run function with optional goals', () => {
    expect(asSuiteModule('a', { default: run }).goals).toBeUndefined();
    expect(asSuiteModule('a', { default: run, goals: { 'a.x': { max: 1 } } }).goals).toEqual({ 'a.x': { max: 1 } });
  });

  it('rejects a module without a default function', () => {
    expect(() => asSuiteModule('a', { run })).toThrow(InvalidSuiteError);
  });

  it('rejects goals without a bound or with unknown fields', () => {
    expect(() => asSuiteModule('a', { default: run, goals: { 'a.x': {} } })).toThrow(/max.*min/);
    expect(() => asSuiteModule('a', { default: run, goals: { 'a.x': { maximum: 1 } } })).toThrow(InvalidSuiteError);
  });
});
