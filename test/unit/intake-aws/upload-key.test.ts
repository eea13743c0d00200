import { describe, expect, it } from 'vitest';
import { hasSupportedExtension, listIdOf, parseUploadKey, rejectsKeyOf } from '#shared/use-cases/intake/upload-key';

describe('upload keys', () => {
  it('tells campaign lists, DNC files and everything else apart', () => {
    expect(parseUploadKey('lists/c-abc1234567/春季 名单.xlsx')).toEqual({
      kind: 'campaign',
      campaignId: 'c-abc1234567',
      fileName: '春季 名单.xlsx',
      rejectsKey: 'lists/c-abc1234567/春季 名单.rejects.csv',
    });
    expect(parseUploadKey('dnc/complaints.csv')).toMatchObject({
      kind: 'dnc',
      rejectsKey: 'dnc/complaints.rejects.csv',
    });
    expect(parseUploadKey('lists/c-1/a.rejects.csv').kind).toBe('ignored');
    expect(parseUploadKey('reports/x.csv').kind).toBe('ignored');
    expect(parseUploadKey('lists/c-1/').kind).toBe('ignored');
  });

  it('names rejects files next to the upload', () => {
    expect(rejectsKeyOf('lists/c-1/no-extension')).toBe('lists/c-1/no-extension.rejects.csv');
    expect(rejectsKeyOf('lists/c-1/a.b.csv')).toBe('lists/c-1/a.b.rejects.csv');
  });

  it('accepts .csv and .xlsx only, whatever the case', () => {
    expect(hasSupportedExtension('A.XLSX')).toBe(true);
    expect(hasSupportedExtension('a.csv')).toBe(true);
    expect(hasSupportedExtension('a.xls')).toBe(false);
    expect(hasSupportedExtension('a.pdf')).toBe(false);
  });

  it('derives the same list id for every delivery of one object version, a new one for a new version', () => {
    const a = listIdOf('b', 'lists/c-1/x.csv', 'v1', 'seq-1');
    expect(listIdOf('b', 'lists/c-1/x.csv', 'v1', 'seq-other')).toBe(a);
    expect(listIdOf('b', 'lists/c-1/x.csv', 'v2', 'seq-1')).not.toBe(a);
    // Unversioned buckets: the sequencer names the write.
    expect(listIdOf('b', 'lists/c-1/x.csv', undefined, 's1')).toBe(listIdOf('b', 'lists/c-1/x.csv', 'null', 's1'));
    expect(listIdOf('b', 'lists/c-1/x.csv', undefined, 's1')).not.toBe(
      listIdOf('b', 'lists/c-1/x.csv', undefined, 's2'),
    );
    expect(a).toMatch(/^l-[0-9a-f]{24}$/);
  });
});
