import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import type { NumberStatus } from '#shared/domain/intake/classify';
import type { NumberScreening } from '#shared/ports/list-intake';
import { type ClassifiedRow, classifyList } from '#shared/use-cases/intake/classify-list';

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/lists/${name}`, import.meta.url));

/** Builds an .xlsx in memory; the first sheet gets `rows`, an optional second sheet `other`. */
export async function xlsxBytes(rows: unknown[][], other?: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('名单').addRows(rows);
  if (other) workbook.addWorksheet('other').addRows(other);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Splits bytes into small chunks, as a network stream would deliver them. */
export async function* chunked(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export function memoryScreening(known: Record<string, NumberStatus>, batchSize = 2) {
  const calls: string[][] = [];
  const screening: NumberScreening = {
    batchSize,
    async checkNumbers(e164s) {
      calls.push([...e164s]);
      return new Map(e164s.flatMap((n) => (known[n] ? [[n, known[n]] as const] : [])));
    },
  };
  return { screening, calls };
}

/** Runs the pipeline to the end; returns every classified row and the summary. */
export async function classifyAll(
  bytes: AsyncIterable<Uint8Array> | string,
  extra: { screening?: NumberScreening; region?: string; batchSize?: number } = {},
) {
  const rows: ClassifiedRow[] = [];
  const generator = classifyList({
    bytes: typeof bytes === 'string' ? createReadStream(bytes) : bytes,
    reader: spreadsheetReader(),
    region: extra.region ?? 'CN',
    defaultTimeZone: 'Europe/Berlin',
    ...(extra.screening ? { screening: extra.screening } : {}),
    batchSize: extra.batchSize ?? 3,
    now: () => 0,
  });
  for (;;) {
    const next = await generator.next();
    if (next.done) return { rows, summary: next.value };
    rows.push(...next.value);
  }
}
