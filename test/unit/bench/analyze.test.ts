import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bytesByPackage, duplicatePackages, packageOf } from '../../../bench/lib/analyze.ts';
import { exportsHandler } from '../../../bench/lib/bundles.ts';
import { median } from '../../../bench/lib/stats.ts';

describe('packageOf', () => {
  it('names scoped, plain, nested and project inputs', () => {
    expect(packageOf('node_modules/@smithy/core/dist-es/index.js')).toBe('@smithy/core');
    expect(packageOf('node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(
      packageOf('node_modules/@aws-lambda-powertools/logger/node_modules/@aws-lambda-powertools/commons/x.js'),
    ).toBe('@aws-lambda-powertools/commons');
    expect(packageOf('shared/domain/campaign.ts')).toBe('(project)');
  });
});

function metafile(inputs: Record<string, number>): Metafile {
  return {
    inputs: Object.fromEntries(Object.keys(inputs).map((path) => [path, { bytes: 1, imports: [] }])),
    outputs: {
      'out/a.mjs.map': { bytes: 1, inputs: {}, imports: [], exports: [] },
      'out/a.mjs': {
        bytes: 1,
        imports: [],
        exports: [],
        inputs: Object.fromEntries(Object.entries(inputs).map(([path, n]) => [path, { bytesInOutput: n }])),
      },
    },
  };
}

describe('bytesByPackage', () => {
  it('sums the bytes of each package in the code output, largest first', () => {
    const meta = metafile({
      'node_modules/zod/a.js': 300,
      'node_modules/zod/b.js': 200,
      'node_modules/@smithy/core/x.js': 400,
      'functions/api/http-api.ts': 10,
    });

    expect(bytesByPackage(meta)).toEqual([
      { name: 'zod', bytes: 500 },
      { name: '@smithy/core', bytes: 400 },
      { name: '(project)', bytes: 10 },
    ]);
  });
});

describe('duplicatePackages', () => {
  it('reports a package bundled from two directories', () => {
    const meta = metafile({
      'node_modules/a/node_modules/@x/commons/i.js': 1,
      'node_modules/b/node_modules/@x/commons/i.js': 1,
      'node_modules/zod/a.js': 1,
      'node_modules/zod/b.js': 1,
    });

    expect([...duplicatePackages(meta)]).toEqual([
      ['@x/commons', ['node_modules/a/node_modules/@x/commons', 'node_modules/b/node_modules/@x/commons']],
    ]);
  });
});

describe('exportsHandler', () => {
  it.each([
    'export const handler = async () => ({});',
    'export async function handler(event) {}',
    'export function handler() {}',
    'const h = 1;\nexport { h as handler };',
    'export { handler } from "./x.ts";',
    'export { other, handler };',
  ])('finds the handler export in %j', (source) => {
    expect(exportsHandler(source)).toBe(true);
  });

  it.each([
    'export const handlerFactory = () => 1;',
    'const handler = 1;',
    'export { handler as main };',
    'export function makeHandler() {}',
  ])('finds none in %j', (source) => {
    expect(exportsHandler(source)).toBe(false);
  });
});

describe('median', () => {
  it('takes the middle of an odd sample and the mean of the two middles of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});
