import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { columnIndex, numberText, xlsxRows } from '#shared/adapters/files/xlsx-rows';
import { chunked } from '#test/unit/intake/helpers';
import { workbookParts, zipBytes } from '#test/unit/intake/zip-bytes';

async function rowsOf(bytes: Uint8Array, chunk = 13) {
  const out: { row: number; cells: string[] }[] = [];
  for await (const r of xlsxRows(toBuffers(chunked(bytes, chunk)))) out.push(r);
  return out;
}

async function* toBuffers(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const c of source) yield Buffer.from(c);
}

let spool: string;
beforeEach(async () => {
  // os.tmpdir() honours TMPDIR, so each test sees only its own temporary files.
  spool = await mkdtemp(join(tmpdir(), 'xlsx-test-'));
  vi.stubEnv('TMPDIR', spool);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(spool, { recursive: true, force: true });
});

const si = (t: string) => `<si><t>${t}</t></si>`;

describe('xlsxRows', () => {
  it('reads shared strings stored after the sheet, as Excel orders the zip, from the first sheet in workbook order', async () => {
    const p = workbookParts(
      [
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>13800138000</v></c></row>',
        '<row r="1"><c r="A1" t="s"><v>3</v></c></row>',
      ],
      [si('姓名'), si('手机'), si('张三'), si('other sheet')],
    );
    // sheets (sheet2.xml is the first in workbook order), then the string table last.
    const bytes = zipBytes(p.excelOrder);
    expect(await rowsOf(bytes)).toEqual([
      { row: 1, cells: ['姓名', '手机'] },
      { row: 2, cells: ['张三', '13800138000'] },
    ]);
  });

  it('reads inline strings and rich text runs, without phonetic guides, and unescapes _xHHHH_', async () => {
    const p = workbookParts(
      [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>inline</t></is></c>' +
          '<c r="B1" t="inlineStr"><is><r><rPr><b/></rPr><t>ri</t></r><r><t xml:space="preserve">ch </t></r></is></c>' +
          '<c r="C1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c></row>',
      ],
      [
        '<si><r><t>王</t></r><r><t>五</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh></si>',
        '<si><t>a_x000D_b &amp; _x005F_x0041_</t></si>',
      ],
    );
    const bytes = zipBytes(p.excelOrder);
    expect(await rowsOf(bytes)).toEqual([{ row: 1, cells: ['inline', 'rich ', '王五', 'a\rb & _x0041_'] }]);
  });

  it('keeps sparse cells and rows at their positions, with or without r attributes', async () => {
    const p = workbookParts([
      '<row r="2"><c r="C2"><v>3</v></c><c><v>4</v></c><c r="F2" s="1"/><c r="AA2"><v>27</v></c></row>' +
        '<row><c><v>1</v></c></row>' +
        '<row r="7" spans="1:2"/>',
    ]);
    const bytes = zipBytes(p.excelOrder, true);
    const rows = await rowsOf(bytes, 4096);
    expect(rows.map((r) => r.row)).toEqual([2, 3, 7]);
    expect(rows[0]?.cells).toHaveLength(27);
    expect(rows[0]?.cells.slice(0, 5)).toEqual(['', '', '3', '4', '']);
    expect(rows[0]?.cells[26]).toBe('27');
    expect(rows[1]?.cells).toEqual(['1']);
    expect(rows[2]?.cells).toEqual([]);
  });

  it('keeps every digit of numbers, reads booleans, formula results and leaves error cells empty', async () => {
    const p = workbookParts([
      '<row r="1"><c r="A1"><v>13800138000</v></c><c r="B1"><v>1.3800138E+10</v></c><c r="C1"><v>0.1</v></c>' +
        '<c r="D1" t="b"><v>1</v></c><c r="E1" t="b"><v>0</v></c><c r="F1" t="str"><f>A1&amp;""</f><v>x</v></c>' +
        '<c r="G1" t="e"><v>#N/A</v></c><c r="H1"><f>1+1</f><v>2</v></c><c r="I1" t="n"><v>-12</v></c></row>',
    ]);
    const bytes = zipBytes(p.excelOrder);
    expect(await rowsOf(bytes)).toEqual([
      { row: 1, cells: ['13800138000', '13800138000', '0.1', 'true', 'false', 'x', '', '2', '-12'] },
    ]);
  });

  it('accepts prefixed element names', async () => {
    const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const p = workbookParts(['']);
    const sheet = [
      'xl/worksheets/sheet1.xml',
      `<x:worksheet xmlns:x="${main}"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
    ] as const;
    const bytes = zipBytes([...p.frame, sheet]);
    expect(await rowsOf(bytes)).toEqual([{ row: 1, cells: ['', 'b'] }]);
  });

  it('reads what exceljs writes (the library it replaces), row after row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '手机', '备注']);
    for (let i = 0; i < 3000; i++) sheet.addRow([`客户${i}`, 13800000000 + i, i % 2 === 0 ? true : null]);
    sheet.getCell('A3002').value = { richText: [{ text: '富' }, { text: '文本' }] };
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const rows = await rowsOf(bytes, 64 * 1024);
    expect(rows).toHaveLength(3002);
    expect(rows[0]).toEqual({ row: 1, cells: ['姓名', '手机', '备注'] });
    expect(rows[1]).toEqual({ row: 2, cells: ['客户0', '13800000000', 'true'] });
    expect(rows[2]).toEqual({ row: 3, cells: ['客户1', '13800000001'] });
    expect(rows[3000]).toEqual({ row: 3001, cells: ['客户2999', '13800002999'] });
    expect(rows[3001]).toEqual({ row: 3002, cells: ['富文本'] });
  });

  it('deletes its temporary file when done and when the reader stops early', async () => {
    const p = workbookParts(['<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>']);
    const bytes = zipBytes(p.excelOrder);
    await rowsOf(bytes);
    expect(await readdir(spool)).toEqual([]);
    for await (const r of xlsxRows(toBuffers(chunked(bytes)))) {
      expect(await readdir(spool)).toHaveLength(1);
      if (r.row === 1) break;
    }
    expect(await readdir(spool)).toEqual([]);
  });

  it.each([
    ['a truncated zip', () => zipOf().subarray(0, 200)],
    ['a zip that is no workbook', () => zipBytes([['hello.txt', 'hi']])],
    ['a workbook without sheets', () => zipOf({ noSheets: true })],
    ['a workbook whose first sheet is missing', () => zipOf({ dropSheet: true })],
    ['a sheet that is not XML', () => zipOf({ sheetXml: '<worksheet><sheetData><row>' })],
  ])('refuses %s with not_a_spreadsheet', async (_, make) => {
    await expect(rowsOf(make())).rejects.toMatchObject({ name: 'ListFileError', problem: 'not_a_spreadsheet' });
    expect(await readdir(spool)).toEqual([]);
  });

  it('lets an error of the byte source through unchanged', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('PK');
      throw new Error('connection reset');
    }
    await expect(xlsxRows(failing()).next()).rejects.toThrow('connection reset');
    expect(await readdir(spool)).toEqual([]);
  });
});

function zipOf(options: { noSheets?: boolean; dropSheet?: boolean; sheetXml?: string } = {}): Buffer {
  const p = workbookParts(options.noSheets ? [] : ['<row r="1"><c r="A1"><v>1</v></c></row>']);
  const sheets = options.dropSheet
    ? []
    : options.sheetXml
      ? p.sheets.map(([name]) => [name, options.sheetXml as string] as const)
      : p.sheets;
  return zipBytes([...p.frame, ...sheets]);
}

describe('numberText', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['1.3800138E+10', '13800138000'],
    ['1.5', '1.5'],
    ['1E-3', '0.001'],
    ['-2.50E+1', '-25'],
    ['12345678901234567890', '12345678901234567890'],
    ['1.2345678901234567E+19', '12345678901234567000'],
    ['0E+0', '0'],
  ])('%s → %s', (raw, text) => {
    expect(numberText(raw)).toBe(text);
  });
});

describe('columnIndex', () => {
  it.each([
    ['A1', 0],
    ['Z9', 25],
    ['AA7', 26],
    ['XFD1', 16_383],
    ['12', -1],
  ])('%s → %i', (reference, index) => {
    expect(columnIndex(reference)).toBe(index);
  });
});
