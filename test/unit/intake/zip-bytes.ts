import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Writes a zip with its entries in exactly the given order (deflated, or stored with `store`), so tests can build
 * workbooks laid out as different writers lay them out — e.g. the shared strings after the sheet, as Excel does.
 */
export function zipBytes(entries: ReadonlyArray<readonly [name: string, text: string]>, store = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const body = store ? data : deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * The parts of a minimal workbook whose sheets are given as `<sheetData>` inner XML, listed in workbook order; the
 * sheet files are numbered in reverse so that "first in workbook order" differs from "first file in the zip".
 */
export function workbookParts(sheets: readonly string[], sharedStrings?: readonly string[]) {
  const file = (i: number) => `worksheets/sheet${sheets.length - i}.xml`;
  const rels = sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${file(i)}"/>`);
  if (sharedStrings) rels.push(`<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  const contentTypes = [
    '[Content_Types].xml',
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
  ] as const;
  const packageRels = [
    '_rels/.rels',
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  ] as const;
  const workbook = [
    'xl/workbook.xml',
    `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets
      .map((_, i) => `<sheet name="s${i}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
  ] as const;
  const workbookRels = [
    'xl/_rels/workbook.xml.rels',
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`,
  ] as const;
  const sheetParts = sheets.map(
    (data, i) =>
      [`xl/${file(i)}`, `${XML}<worksheet xmlns="${MAIN}"><sheetData>${data}</sheetData></worksheet>`] as const,
  );
  const strings = sharedStrings
    ? [
        [
          'xl/sharedStrings.xml',
          `${XML}<sst xmlns="${MAIN}" count="${sharedStrings.length}">${sharedStrings.join('')}</sst>`,
        ] as const,
      ]
    : [];
  return {
    /** Everything but the sheets. */
    frame: [contentTypes, packageRels, workbook, workbookRels],
    sheets: sheetParts,
    /** The shared-string part, if any, as a list of zero or one entry. */
    strings,
    /** The order Excel writes: the workbook, its sheets by file name (sheet1.xml first), then the shared strings. */
    excelOrder: [contentTypes, packageRels, workbook, workbookRels, ...[...sheetParts].reverse(), ...strings],
  };
}
