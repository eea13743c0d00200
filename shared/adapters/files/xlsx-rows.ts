import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { openZip, type ZipArchive, type ZipEntry } from '#shared/adapters/files/zip-archive';
import { ListFileError } from '#shared/domain/intake/errors';
import type { SheetRow } from '#shared/ports/list-intake';

/**
 * Largest shared-string table accepted, as uncompressed XML. The table is the one part held in memory (cells refer
 * to it by index, and Excel writes it after the sheets); 256 MiB of XML is far beyond a million-row list of names and
 * addresses, and keeps a zip bomb from exhausting the function's memory.
 */
export const MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024;
// Tags with plain (unresolved) names; localName() drops any prefix.
type PlainXml = { xmlns: false; position: false };
// workbook.xml and the .rels parts are a few KB; anything this large is not a list.
const MAX_SMALL_PART_BYTES = 16 * 1024 * 1024;
// Excel's last column is XFD.
const MAX_COLUMNS = 16_384;

/**
 * Streams the rows of the first worksheet (in workbook order) of an .xlsx. Row numbers are Excel's own; cells keep
 * their column positions (an empty cell is `''`). Strings come from the shared-string table, inline strings and rich
 * text runs (phonetic guides left out); numbers keep the digits Excel stored (13800138000, never 1.38E+10); booleans
 * are `true`/`false`; error cells are empty. Dates stay Excel serial numbers (styles are not read).
 *
 * A zip needs its central directory, at the end, and Excel writes the shared strings after the sheets, so the bytes
 * are first spooled to a temporary file under `os.tmpdir()` (deleted when the generator ends, however it ends); the
 * sheet is then parsed as a stream, a bounded number of rows at a time. Only the shared-string table is held in memory
 * (at most {@link MAX_SHARED_STRINGS_BYTES} of XML).
 *
 * @throws ListFileError `not_a_spreadsheet` for a broken zip, a zip that is not a workbook or a workbook without a
 *   worksheet; `too_large` for an oversized shared-string table. Errors of `bytes` itself propagate unchanged.
 */
export async function* xlsxRows(bytes: AsyncIterable<Buffer>): AsyncGenerator<SheetRow> {
  const dir = await mkdtemp(join(tmpdir(), 'outcall-xlsx-'));
  try {
    const path = join(dir, 'list.xlsx');
    await pipeline(Readable.from(bytes, { objectMode: false }), createWriteStream(path));
    yield* xlsxFileRows(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** {@link xlsxRows} for a workbook already on disk. */
export async function* xlsxFileRows(path: string): AsyncGenerator<SheetRow> {
  let zip: ZipArchive;
  try {
    zip = await openZip(path);
  } catch {
    throw notAWorkbook();
  }
  try {
    const { sheet, sharedStrings } = await locateFirstSheet(zip);
    const strings = sharedStrings ? await readSharedStrings(zip, sharedStrings) : [];
    // No consumer error reaches this catch: a generator only sees those through throw(), which nothing here calls.
    for await (const row of sheetRows(zip, sheet, strings)) yield row;
  } catch (error) {
    rethrowAsListFileError(error);
  } finally {
    zip.close();
  }
}

function notAWorkbook(): ListFileError {
  return new ListFileError('not_a_spreadsheet', 'the file is a zip archive but not a readable Excel workbook (.xlsx)');
}

function rethrowAsListFileError(error: unknown): never {
  if (error instanceof ListFileError) throw error;
  throw notAWorkbook();
}

async function locateFirstSheet(zip: ZipArchive): Promise<{ sheet: ZipEntry; sharedStrings: ZipEntry | undefined }> {
  const packageRels = await relationships(zip, '_rels/.rels', '');
  const workbookPath = packageRels.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const workbook = smallPart(zip, workbookPath);
  if (!workbook) throw notAWorkbook();
  let firstSheetId: string | undefined;
  await parseXml(await zip.open(workbook), (parser) => {
    parser.on('opentag', (tag) => {
      if (firstSheetId === undefined && localName(tag.name) === 'sheet') firstSheetId = relationshipId(tag) ?? '';
    });
  });
  if (firstSheetId === undefined) throw new ListFileError('not_a_spreadsheet', 'the workbook has no worksheet');
  const dir = posix.dirname(workbookPath);
  const relsPath = posix.join(dir, '_rels', `${posix.basename(workbookPath)}.rels`);
  const workbookRels = await relationships(zip, relsPath, dir);
  const sheetPath = workbookRels.find((r) => r.id === firstSheetId)?.target;
  const sheet = sheetPath ? zip.entry(sheetPath) : undefined;
  if (!sheet) throw new ListFileError('not_a_spreadsheet', 'the first worksheet of the workbook is missing');
  const stringsPath = workbookRels.find((r) => r.type.endsWith('/sharedStrings'))?.target;
  return { sheet, sharedStrings: stringsPath ? zip.entry(stringsPath) : undefined };
}

interface Relationship {
  id: string;
  type: string;
  /** Part name inside the zip, resolved against the source part's folder. */
  target: string;
}

async function relationships(zip: ZipArchive, path: string, baseDir: string): Promise<Relationship[]> {
  const part = smallPart(zip, path);
  if (!part) return [];
  const found: Relationship[] = [];
  await parseXml(await zip.open(part), (parser) => {
    parser.on('opentag', (tag) => {
      if (localName(tag.name) !== 'Relationship' || tag.attributes.TargetMode === 'External') return;
      const { Id: id, Type: type = '', Target: target } = tag.attributes;
      if (id === undefined || target === undefined) return;
      const resolved = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(baseDir, target));
      found.push({ id, type, target: resolved });
    });
  });
  return found;
}

function smallPart(zip: ZipArchive, path: string): ZipEntry | undefined {
  const entry = zip.entry(path);
  if (entry && entry.size > MAX_SMALL_PART_BYTES) throw notAWorkbook();
  return entry;
}

async function readSharedStrings(zip: ZipArchive, part: ZipEntry): Promise<string[]> {
  if (part.size > MAX_SHARED_STRINGS_BYTES)
    throw new ListFileError('too_large', 'the workbook has too much text to read; save the list as CSV instead');
  const strings: string[] = [];
  const text = new RichText();
  await parseXml(await zip.open(part), (parser) => {
    parser.on('opentag', (tag) => {
      if (localName(tag.name) === 'si') text.reset();
      else text.open(tag);
    });
    parser.on('text', (t) => text.append(t));
    parser.on('cdata', (t) => text.append(t));
    parser.on('closetag', (tag) => {
      if (localName(tag.name) === 'si') strings.push(text.value());
      else text.close(tag);
    });
  });
  return strings;
}

/**
 * Collects the text of a string item (`<si>` or `<is>`): the `<t>` of plain text and of each rich-text run, not
 * the phonetic guide (`<rPh>`) Excel stores beside East Asian text.
 */
class RichText {
  private parts: string[] = [];
  private inText = false;
  private phoneticDepth = 0;

  reset(): void {
    this.parts = [];
    this.inText = false;
    this.phoneticDepth = 0;
  }

  open(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    if (name === 'rPh') this.phoneticDepth++;
    else if (name === 't' && this.phoneticDepth === 0 && !tag.isSelfClosing) this.inText = true;
  }

  close(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    if (name === 'rPh') this.phoneticDepth--;
    else if (name === 't') this.inText = false;
  }

  append(text: string): void {
    if (this.inText) this.parts.push(text);
  }

  value(): string {
    return unescapeXstring(this.parts.join(''));
  }
}

/** Rows of a worksheet part, parsed as the inflated bytes arrive; at most one chunk's worth of rows is buffered. */
async function* sheetRows(zip: ZipArchive, part: ZipEntry, strings: readonly string[]): AsyncGenerator<SheetRow> {
  const ready: SheetRow[] = [];
  let row: SheetRow | undefined;
  let lastRow = 0;
  let column = -1;
  let cellType = 'n';
  let value: string[] = [];
  let inValue = false;
  let inInline = false;
  let finished = false;
  const inline = new RichText();

  const parser = new SaxesParser<PlainXml>({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'row') {
      const stated = Number(tag.attributes.r);
      lastRow = Number.isSafeInteger(stated) && stated > 0 ? stated : lastRow + 1;
      const number = lastRow;
      row = { row: number, cells: [] };
      column = -1;
    } else if (name === 'c') {
      column = tag.attributes.r === undefined ? column + 1 : columnIndex(tag.attributes.r);
      if (column < 0 || column >= MAX_COLUMNS) throw notAWorkbook();
      cellType = tag.attributes.t ?? 'n';
      value = [];
      inline.reset();
    } else if (name === 'v') {
      inValue = !tag.isSelfClosing;
    } else if (name === 'is') {
      inInline = !tag.isSelfClosing;
    } else if (inInline) {
      inline.open(tag);
    }
  });
  const onText = (t: string) => {
    if (inValue) value.push(t);
    else if (inInline) inline.append(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name === 'v') inValue = false;
    else if (name === 'is') inInline = false;
    else if (inInline) inline.close(tag);
    else if (name === 'c' && row) {
      const text = cellText(cellType, value.join(''), inline, strings);
      if (text !== '') {
        for (let i = row.cells.length; i < column; i++) row.cells.push('');
        row.cells[column] = text;
      }
    } else if (name === 'row' && row) {
      ready.push(row);
      row = undefined;
    } else if (name === 'sheetData') {
      finished = true;
    }
  });

  const stream = await zip.open(part);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parser.write(decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
    if (finished) return;
  }
  parser.write(decoder.decode());
  parser.close();
  yield* ready.splice(0);
}

function cellText(type: string, raw: string, inline: RichText, strings: readonly string[]): string {
  switch (type) {
    case 's':
      return raw === '' ? '' : (strings[Number.parseInt(raw, 10)] ?? '');
    case 'inlineStr':
      return inline.value();
    case 'str':
      return unescapeXstring(raw);
    case 'b':
      return raw === '' ? '' : String(raw.trim() === '1' || raw.trim() === 'true');
    case 'e':
      return '';
    case 'd':
      return raw;
    default:
      return numberText(raw.trim());
  }
}

/**
 * A numeric cell as text with every digit Excel stored. Excel writes plain decimals; other writers may use an
 * exponent (`1.3800138E+10`), which is expanded digit by digit rather than through a float, so no digit is invented
 * or lost.
 */
export function numberText(raw: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(raw);
  if (!m) return raw;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = int + frac;
  const exponent = Number.parseInt(exp, 10);
  if (digits === '' || Math.abs(exponent) > 400) return raw;
  const point = int.length + exponent;
  let whole: string;
  let fraction: string;
  if (point <= 0) {
    whole = '0';
    fraction = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return sign === '-' && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Zero-based column of a cell reference: `A1` → 0, `AA7` → 26; -1 when it has no column letters. */
export function columnIndex(reference: string): number {
  let index = 0;
  let letters = 0;
  for (const ch of reference.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
    if (++letters > 3) return -1;
  }
  return letters === 0 ? -1 : index - 1;
}

// OOXML strings escape characters XML cannot carry as _xHHHH_ (a literal "_x" is written _x005F_x…).
function unescapeXstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

// Some writers prefix every element (`<x:row>`); the namespace is the same.
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function relationshipId(tag: SaxesTagPlain): string | undefined {
  for (const [name, value] of Object.entries(tag.attributes)) if (name.endsWith(':id')) return value;
  return undefined;
}

async function parseXml(stream: Readable, listen: (parser: SaxesParser<PlainXml>) => void): Promise<void> {
  const parser = new SaxesParser<PlainXml>({ xmlns: false, position: false });
  listen(parser);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of stream as AsyncIterable<Buffer>) parser.write(decoder.decode(chunk, { stream: true }));
  parser.write(decoder.decode());
  parser.close();
}
