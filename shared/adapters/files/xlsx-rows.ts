import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ListFileError } from '#shared/domain/intake/errors';
import type { SheetRow } from '#shared/ports/list-intake';

/**
 * Streams the rows of the first worksheet of an .xlsx with exceljs' streaming reader (shared strings cached, styles
 * and hyperlinks ignored), so a large workbook is never held in memory as a whole. Row numbers are Excel's own.
 */
export async function* xlsxRows(bytes: AsyncIterable<Buffer>): AsyncGenerator<SheetRow> {
  const input = Readable.from(bytes, { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  let sawSheet = false;
  try {
    for await (const worksheet of reader) {
      sawSheet = true;
      for await (const row of worksheet) {
        yield { row: row.number, cells: cellsOf(row.values) };
      }
      break;
    }
  } catch (error) {
    if (error instanceof ListFileError) throw error;
    throw new ListFileError('not_a_spreadsheet', 'the file is a zip archive but not a readable Excel workbook (.xlsx)');
  } finally {
    input.destroy();
  }
  if (!sawSheet) throw new ListFileError('not_a_spreadsheet', 'the workbook has no worksheet');
}

// exceljs gives row.values 1-based and sparse.
function cellsOf(values: ExcelJS.CellValue[] | Record<string, ExcelJS.CellValue>): string[] {
  const list = Array.isArray(values) ? values : Object.values(values);
  const cells: string[] = [];
  for (let i = 1; i < list.length; i++) cells.push(cellText(list[i]));
  return cells;
}

/** Text of a cell as a planner sees it; numbers keep all their digits (13800138000, never 1.38E+10). */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result as ExcelJS.CellValue);
  if ('text' in value && typeof value.text === 'string') return value.text;
  return '';
}
