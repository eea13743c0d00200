import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { rejectsCsvSink } from '#shared/adapters/files/rejects-csv';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import type { AcceptedContact } from '#shared/domain/intake/classify';
import { runIntake } from '#shared/use-cases/intake/classify-list';
import { chunked, classifyAll, fixture, memoryScreening, xlsxBytes } from '#test/unit/intake/helpers';

const csv = (s: string) => chunked(Buffer.from(s, 'utf8'));
const invariant = (s: { rows: number; accepted: number; duplicates: number; suppressed: number; rejected: number }) =>
  expect(s.accepted + s.duplicates + s.suppressed + s.rejected).toBe(s.rows);

describe('classifyList on fixture files', () => {
  it.each([
    ['gbk.csv', 'gb18030'],
    ['utf8-bom.csv', 'utf-8-bom'],
  ])('reads %s (%s) with Chinese headers and text intact', async (name, encoding) => {
    const { rows, summary } = await classifyAll(fixture(name));
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, encoding, reasons: { scientific_notation: 1 } });
    const accepted = rows.flatMap((r) => (r.class === 'accepted' ? [r.contact] : []));
    expect(accepted[0]).toEqual({
      row: 2,
      e164: '+8613800138000',
      numberType: 'mobile',
      timeZone: 'Asia/Shanghai',
      attributes: { name: '张三', company: '北京华信科技有限公司', note: '老客户' },
    });
    expect(accepted[1]?.attributes.note).toBe('有意向，下周再联系');
    invariant(summary);
  });

  it('reads CRLF with quoted commas and line breaks, and counts rows as Excel does', async () => {
    const { rows, summary } = await classifyAll(fixture('crlf-quoted.csv'));
    expect(summary).toMatchObject({ rows: 3, accepted: 1, duplicates: 1, rejected: 1, encoding: 'utf-8' });
    expect(rows[0]).toMatchObject({
      class: 'accepted',
      contact: { row: 2, attributes: { name: 'Zhang, San', address: '1 Road\r\nBuilding 2', note: 'ok' } },
    });
    expect(rows[1]).toEqual({ class: 'duplicate', row: 3, e164: '+8613800138000', reason: 'duplicate_in_file' });
    expect(rows[2]).toMatchObject({ class: 'rejected', reject: { row: 4, raw: '12345', reason: 'invalid_number' } });
  });

  it('reads the first sheet of an xlsx, numbers kept whole', async () => {
    const bytes = await xlsxBytes(
      [
        ['姓名', '手机', '职位'],
        ['张三', 13800138000, '经理'],
        ['李四', '+86 139 0013 9000', null],
      ],
      [['手机'], ['13700137000']],
    );
    const { rows, summary } = await classifyAll(chunked(bytes, 4096));
    expect(summary).toMatchObject({ rows: 2, accepted: 2, format: 'xlsx' });
    expect(rows.map((r) => (r.class === 'accepted' ? r.contact.e164 : r.class))).toEqual([
      '+8613800138000',
      '+8613900139000',
    ]);
  });

  it.each([
    ['empty.csv', 'empty_file'],
    ['no-phone.csv', 'no_phone_column'],
    ['legacy.xls', 'unsupported_type'],
    ['image.png', 'not_a_spreadsheet'],
    ['broken.xlsx', 'not_a_spreadsheet'],
  ])('refuses %s with %s', async (name, problem) => {
    await expect(classifyAll(fixture(name))).rejects.toMatchObject({ name: 'ListFileError', problem });
  });

  it('refuses a file over the size limit while streaming it', async () => {
    const reader = spreadsheetReader({ maxBytes: 100 });
    const big = csv(`手机\n${'13800138000\n'.repeat(50)}`);
    await expect(runIntake({ bytes: big, reader, region: 'CN', defaultTimeZone: 'UTC' })).rejects.toMatchObject({
      problem: 'too_large',
    });
  });
});

describe('classification rules', () => {
  it('skips title rows above the header and blank rows, which are not data rows', async () => {
    const { summary, rows } = await classifyAll(
      csv('2024 客户名单,,\n,,\n手机,姓名\n13800138000,张三\n,,\n13900139000,李四\n'),
    );
    expect(summary).toMatchObject({ rows: 2, accepted: 2, blankRows: 1 });
    expect(rows.map((r) => (r.class === 'accepted' ? r.contact.row : 0))).toEqual([4, 6]);
  });

  it('fails when no phone header appears in the first rows', async () => {
    const titles = '标题\n'.repeat(10);
    await expect(classifyAll(csv(`${titles}手机\n13800138000\n`))).rejects.toMatchObject({
      problem: 'no_phone_column',
    });
  });

  it('rejects a row with more cells than the header as malformed, before looking at its phone', async () => {
    const { rows, summary } = await classifyAll(csv('手机,地址\n13800138000,北京,朝阳区\n13900139000,上海,,\n'));
    expect(rows[0]).toMatchObject({ class: 'rejected', reject: { row: 2, reason: 'malformed_row' } });
    expect(rows[1]).toMatchObject({ class: 'accepted' });
    expect(summary.reasons).toEqual({ malformed_row: 1 });
  });

  // An unclosed quote swallows every later line into one cell; rejecting it as one malformed row made the rest of the
  // file vanish without a trace. The file fails, naming the row, even when the quote is in the last row.
  it('fails a file with an unclosed quote (unclosed_quote), naming the row where it opens', async () => {
    await expect(classifyAll(csv('手机,备注\n13800138000,ok\n13900139000,"never closed\n'))).rejects.toMatchObject({
      name: 'ListFileError',
      problem: 'unclosed_quote',
      message: expect.stringContaining('row 3 '),
    });
    let list = '姓名,手机,备注\n张三,13800138000,ok\n李四,13800138001,"VIP 老客户\n';
    for (let i = 0; i < 498; i++) list += `客户${i},1380${String(i + 10).padStart(7, '0')},\n`;
    await expect(classifyAll(csv(list), { batchSize: 50 })).rejects.toMatchObject({
      problem: 'unclosed_quote',
      message: expect.stringContaining('row 3 '),
    });
  });

  it('fails a record longer than the bound (row_too_long) without reading the rest of the file', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('手机,备注\n13800138000,"stray\n');
      // 100 MiB of ordinary rows after the stray quote: all of them would be one cell.
      for (let i = 0; i < 1_600_000; i++) {
        const chunk = Buffer.from('13800138000,ok\n'.repeat(4096));
        pulled += chunk.length;
        yield chunk;
      }
    }
    await expect(classifyAll(endless())).rejects.toMatchObject({
      problem: 'row_too_long',
      message: expect.stringContaining('row 2 '),
    });
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
  });

  it('puts each row in the first class that applies: rejected, duplicate, suppressed, accepted', async () => {
    const { screening } = memoryScreening({
      '+8613800000001': { inCampaign: true, dnc: true },
      '+8613800000002': { inCampaign: false, dnc: true },
      '+8613800000003': { inCampaign: false, dnc: false, allocatedTo: 'c-other0000001' },
    });
    const list = [
      '手机',
      '1.38E+10', // rejected although its digits might be anything
      '13800000001', // in campaign and DNC: duplicate wins
      '13800000002', // DNC
      '13800000003', // allocated to another campaign
      '13800000004', // accepted
      '138 0000 0002', // same number as row 4 again: duplicate in file wins over DNC
      '13800000004', // duplicate in file
    ].join('\n');
    const { rows, summary } = await classifyAll(csv(list), { screening });
    expect(
      rows.map((r) => (r.class === 'rejected' ? r.reject.reason : r.class === 'accepted' ? 'accepted' : r.reason)),
    ).toEqual([
      'scientific_notation',
      'duplicate_in_campaign',
      'do_not_call',
      'allocated_elsewhere',
      'accepted',
      'duplicate_in_file',
      'duplicate_in_file',
    ]);
    expect(summary).toMatchObject({ rows: 7, accepted: 1, duplicates: 3, suppressed: 2, rejected: 1 });
    invariant(summary);
  });

  it('asks the screening port in batches of its size, each number once', async () => {
    const { screening, calls } = memoryScreening({}, 2);
    await classifyAll(csv('手机\n13800000001\n13800000002\n13800000001\n13800000003\n13800000004\n'), {
      screening,
      batchSize: 10,
    });
    expect(calls).toEqual([
      ['+8613800000001', '+8613800000002'],
      ['+8613800000003', '+8613800000004'],
    ]);
  });

  it('gives North American numbers the zone of their area code, others the campaign zone', async () => {
    const { rows } = await classifyAll(csv('phone\n+1 415 555 2671\n+1 212 555 0123\n+7 495 123 4567\n'));
    expect(rows.map((r) => (r.class === 'accepted' ? r.contact.timeZone : r.class))).toEqual([
      'America/Los_Angeles',
      'America/New_York',
      'Europe/Berlin',
    ]);
  });
});

describe('runIntake', () => {
  it('hands accepted contacts and rejects to their sinks; rejects come out as CSV', async () => {
    const accepted: AcceptedContact[] = [];
    const out = new PassThrough();
    const written = text(out);
    const rejects = rejectsCsvSink(out);
    const summary = await runIntake({
      bytes: csv('手机,姓名\n13800138000,张三\n"1.38E+10",李四\n,王五\n'),
      reader: spreadsheetReader(),
      region: 'CN',
      defaultTimeZone: 'Asia/Shanghai',
      contacts: { write: async (c) => void accepted.push(...c) },
      rejects,
    });
    await rejects.close();
    expect(accepted.map((c) => c.e164)).toEqual(['+8613800138000']);
    expect(summary).toMatchObject({ rows: 3, accepted: 1, rejected: 2 });
    expect((await written).replace(/^\uFEFF/, '')).toBe(
      'row,raw,reason\n3,1.38E+10,scientific_notation\n4,,missing_phone\n',
    );
  });
});
