import { stringify } from 'csv-stringify/sync';
import writeXlsxFile, { type SheetData } from 'write-excel-file/node';
import type { ReportTable } from '#shared/domain/reports/tables';

/** A file attached to a report e-mail. */
export interface ReportAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

const BOM = '\uFEFF';

/**
 * One CSV per table, UTF-8 with a byte-order mark: Excel (the tool managers open them with) reads a BOM-less UTF-8
 * CSV as the local code page and garbles the Chinese headers.
 */
export function tablesToCsv(tables: readonly ReportTable[], baseName: string): ReportAttachment[] {
  return tables.map((t) => ({
    filename: `${baseName}-${t.name}.csv`,
    contentType: 'text/csv; charset=utf-8',
    content: new TextEncoder().encode(BOM + stringify([t.headers, ...t.rows])),
  }));
}

// Excel refuses sheet names over 31 characters and some punctuation.
const sheetName = (title: string) => title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/** All tables in one workbook, a sheet each, numbers as numbers. */
export async function tablesToXlsx(tables: readonly ReportTable[], baseName: string): Promise<ReportAttachment> {
  const sheets = (tables.length > 0 ? tables : [{ name: 'empty', title: 'empty', headers: ['—'], rows: [] }]).map(
    (t) => {
      const data: SheetData = [
        t.headers.map((h) => ({ value: h, fontWeight: 'bold' as const })),
        ...t.rows.map((row) => row.map((cell) => (cell === null ? null : { value: cell }))),
      ];
      return { data, sheet: sheetName(t.title) };
    },
  );
  const buffer = await writeXlsxFile(sheets).toBuffer();
  return {
    filename: `${baseName}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
  };
}
