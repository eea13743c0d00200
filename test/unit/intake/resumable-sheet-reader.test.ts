import { describe, expect, it } from 'vitest';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import type { SheetRow } from '#shared/ports/list-intake';
import type { ResumePoint } from '#shared/ports/list-repository';
import { chunked } from '#test/unit/intake/helpers';

// Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF.
const unicodeText = (rows: string[][]) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows.map((r) => `${r.join('\t')}\r\n`).join(''), 'utf16le')]);
const header = ['姓名', '手机', '公司'];
const data = Array.from({ length: 6 }, (_, i) => [`客户${i}`, `1380000000${i}`, `公司${i}`]);
const file = unicodeText([header, ...data]);

async function readAll(resume?: ResumePoint) {
  const sheet = resumableSheetReader(resume ? { resume } : {});
  const opened = await sheet.reader.open(chunked(file.subarray(sheet.readFrom), 64));
  const rows: SheetRow[] = [];
  for await (const r of opened.rows) rows.push(r);
  return { rows, position: sheet.position() };
}

describe('resumableSheetReader on a UTF-16 CSV (no byte offsets)', () => {
  it('keeps the delimiter it detected in the position, with no byte offset', async () => {
    const { rows, position } = await readAll();
    expect(rows[1]).toEqual({ row: 2, cells: data[0] });
    expect(position).toMatchObject({ format: 'csv', encoding: 'utf-16le', delimiter: '\t', row: 7 });
    expect(position?.byteOffset).toBeUndefined();
  });

  const resumeAfterRow3 = { format: 'csv', encoding: 'utf-16le', row: 3, headerRow: 1, headerCells: header } as const;

  it.each([
    ['the saved delimiter', { ...resumeAfterRow3, delimiter: '\t' }],
    // A checkpoint saved before the delimiter was kept for UTF-16: the head it is detected from is the file's own.
    ['a checkpoint without one (detected from the file again)', resumeAfterRow3],
  ])('resumes with %s: header, then the rows after the checkpoint, split on tabs', async (_, resume) => {
    const { rows, position } = await readAll(resume);
    expect(rows).toEqual([{ row: 1, cells: header }, ...data.slice(2).map((cells, i) => ({ row: 4 + i, cells }))]);
    expect(position).toMatchObject({ delimiter: '\t', row: 7 });
  });
});
