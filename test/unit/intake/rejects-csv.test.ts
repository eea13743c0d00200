import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, rejectsCsvSink } from '#shared/adapters/files/rejects-csv';

describe('rejects CSV', () => {
  it('writes row, raw value and reason, with formula-looking cells made inert', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const sink = rejectsCsvSink(out);
    await sink.write([
      { row: 2, raw: '=HYPERLINK("http://x")', reason: 'invalid_number' },
      { row: 5, raw: '1.38001E+10', reason: 'scientific_notation' },
    ]);
    await sink.close();
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    expect(parse(text, { columns: true })).toEqual([
      { row: '2', raw: `'=HYPERLINK("http://x")`, reason: 'invalid_number' },
      { row: '5', raw: '1.38001E+10', reason: 'scientific_notation' },
    ]);
  });

  it('leaves ordinary values alone', () => {
    expect(neutralizeFormula('138 0013 8000')).toBe('138 0013 8000');
    expect(neutralizeFormula('+86 138')).toBe("'+86 138");
    expect(neutralizeFormula('-1')).toBe("'-1");
  });
});
