import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, isGb18030, sniff } from '#shared/adapters/files/sniff';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('sniff', () => {
  it('tells xlsx from its zip magic', () => {
    expect(sniff(bytes(0x50, 0x4b, 0x03, 0x04, 1, 2), false)).toEqual({ format: 'xlsx' });
  });

  it.each([
    ['empty', bytes(), 'empty_file'],
    ['legacy xls', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), 'unsupported_type'],
    ['pdf', Buffer.from('%PDF-1.7'), 'unsupported_type'],
    ['gzip', bytes(0x1f, 0x8b, 8, 0), 'unsupported_type'],
    ['binary', bytes(0x89, 0x50, 0x4e, 0x47, 0, 0), 'not_a_spreadsheet'],
  ])('refuses %s with %s', (_name, head, problem) => {
    expect(() => sniff(head, true)).toThrow(expect.objectContaining({ name: 'ListFileError', problem }));
  });

  it('detects UTF-8 with and without BOM, and UTF-16 by BOM', () => {
    expect(sniff(Buffer.from('\uFEFF姓名,手机\n', 'utf8'), true)).toEqual({ format: 'csv', encoding: 'utf-8-bom' });
    expect(sniff(Buffer.from('姓名,手机\n', 'utf8'), true)).toEqual({ format: 'csv', encoding: 'utf-8' });
    expect(sniff(bytes(0xff, 0xfe, 0x41, 0), true)).toEqual({ format: 'csv', encoding: 'utf-16le' });
  });

  it('detects GBK text as GB18030, even short samples chardet gets wrong', () => {
    expect(sniff(iconv.encode('姓名,手机\n李四,139\n', 'gbk'), true)).toEqual({ format: 'csv', encoding: 'gb18030' });
  });

  it('does not fail UTF-8 whose sample ends inside a character', () => {
    const utf8 = Buffer.from('手机,姓名\n13800138000,张三', 'utf8');
    expect(sniff(utf8.subarray(0, utf8.length - 1), false)).toEqual({ format: 'csv', encoding: 'utf-8' });
  });

  it('falls back to chardet for other code pages', () => {
    const latin = iconv.encode('phone,name\n13800138000,José Müller\n'.repeat(20), 'latin1');
    const result = sniff(latin, true);
    expect(result.format).toBe('csv');
    expect(result).not.toMatchObject({ encoding: 'gb18030' });
  });
});

describe('isGb18030', () => {
  it('accepts GB18030 four-byte sequences and rejects stray high bytes', () => {
    expect(isGb18030(iconv.encode('€𠀀中', 'gb18030'), true)).toBe(true);
    expect(isGb18030(bytes(0x41, 0x80, 0x41), true)).toBe(false);
    expect(isGb18030(bytes(0xd6), true)).toBe(false);
    expect(isGb18030(bytes(0xd6), false)).toBe(true);
  });
});

describe('detectDelimiter', () => {
  it('picks the most frequent separator outside quotes', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\t"c,d,e"')).toBe('\t');
    expect(detectDelimiter('a;b;c')).toBe(';');
  });
});
