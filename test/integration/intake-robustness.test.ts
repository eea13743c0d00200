import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { campaignListTotalsKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { mobile, useIntakeWorld } from '#test/integration/helpers/intake';

const world = useIntakeWorld('intakerob');
const header = '姓名,手机,公司,备注\n';
const row = (i: number, note = '') => `客户${i},${mobile(i)},公司${i},${note}\n`;

describe('list intake: files and races that must not lose rows silently', () => {
  it('fails a list with a stray opening quote, naming its row, and leaves nothing of it behind', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/quote.csv`;
    // Row 3 opens a quote that is never closed: every later line would be one cell of it.
    let body = header + row(80_000) + `客户x,${mobile(80_001)},公司x,"VIP 老客户\n`;
    for (let i = 80_002; i < 80_500; i++) body += row(i);
    const note = await world.upload(key, body);
    await world.deliver(note, world.deps({ options: { batchSize: 1 } }));
    const item = await world.listItem(campaign.id, key, note);
    expect(item).toMatchObject({ status: 'failed', failure: { problem: 'unclosed_quote' } });
    expect((item?.failure as { message?: string } | undefined)?.message).toMatch(/^row 3 .*quote/);
    expect(item?.summary).toBeUndefined();
    expect(await world.contactsOf(campaign.id)).toEqual([]);
    expect((await world.statusItems()).filter((s) => s.allocCampaignId === campaign.id)).toEqual([]);
    const mails = await world.emailsTo(campaign.planners[0] as string);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('List failed');
  });

  it('names the right row when the stray quote comes after a checkpoint (ranged GET from the saved offset)', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/late-quote.csv`;
    let body = header;
    for (let i = 81_000; i < 81_249; i++) body += row(i);
    body += `客户x,${mobile(81_249)},公司x,"VIP\n`;
    for (let i = 81_250; i < 81_300; i++) body += row(i);
    const note = await world.upload(key, body);
    let calls = 0;
    const deps = world.deps({ options: { batchSize: 100 } });
    const runs = await world.deliverAll(note, deps, () => (calls++ < 1 ? 60_000 : 10));
    expect(runs).toBeGreaterThan(1);
    const item = await world.listItem(campaign.id, key, note);
    // Header row 1, data rows 2–250: the quote opens in row 251.
    expect(item).toMatchObject({ status: 'failed', failure: { problem: 'unclosed_quote' } });
    expect((item?.failure as { message?: string } | undefined)?.message).toMatch(/^row 251 /);
    expect(await world.contactsOf(campaign.id)).toEqual([]);
  });

  // Two lists of a campaign completing together meet on the campaign's list totals item: DynamoDB cancels one
  // transaction with TransactionConflict (or ThrottlingError). That is not "the list is no longer loading": taking it so
  // acknowledged the message and left the list loading for good.
  it.each([
    ['TransactionConflict', [{ Code: 'None' }, { Code: 'TransactionConflict' }], 82_001],
    ['ThrottlingError', [{ Code: 'ThrottlingError' }, { Code: 'None' }], 82_011],
  ])(
    'hands the message back when completing meets %s, and a redelivery finishes the list once',
    async (_, reasons, n) => {
      const campaign = await world.newCampaign();
      const key = `lists/${campaign.id}/conflict.csv`;
      const note = await world.upload(key, header + row(n) + row(n + 1));
      const real = world.tables.client;
      let injected = 0;
      const client = {
        send: async (command: unknown) => {
          if (command instanceof TransactWriteCommand && injected === 0) {
            injected++;
            throw Object.assign(new Error('Transaction cancelled'), {
              name: 'TransactionCanceledException',
              CancellationReasons: reasons,
            });
          }
          return real.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
      const deps = world.deps({ lists: new DynamoDbListRepository({ client, tableName: world.tables.names.main }) });
      const first = await world.deliver(note, deps);
      expect(injected).toBe(1);
      expect(first.batchItemFailures).toHaveLength(1);
      expect((await world.listItem(campaign.id, key, note))?.status).toBe('loading');
      expect((await world.deliver(note, deps)).batchItemFailures).toEqual([]);
      expect(await world.listItem(campaign.id, key, note)).toMatchObject({
        status: 'ready',
        summary: { rows: 2, accepted: 2 },
      });
      expect(await world.emailsTo(campaign.planners[0] as string)).toHaveLength(1);
      const totals = await real.send(
        new GetCommand({
          TableName: world.tables.names.main,
          Key: campaignListTotalsKey(campaign.id),
          ConsistentRead: true,
        }),
      );
      expect(totals.Item).toMatchObject({ lists: 1, rows: 2, accepted: 2 });
      expect(await world.contactsOf(campaign.id)).toHaveLength(2);
    },
  );

  it('completing a list that is no longer loading answers false (the condition on the LIST item failed)', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/twice.csv`;
    const note = await world.upload(key, header + row(82_101));
    await world.deliver(note, world.deps());
    const item = await world.listItem(campaign.id, key, note);
    expect(item?.status).toBe('ready');
    const lists = new DynamoDbListRepository({ client: world.tables.client, tableName: world.tables.names.main });
    const ref = { kind: 'campaign' as const, campaignId: campaign.id, listId: world.listId(key, note) };
    expect(await lists.complete(ref, item?.summary as never, '2026-03-02T02:00:00.000Z', undefined)).toBe(false);
  });

  // Excel's "Unicode Text" is UTF-16LE and tab-separated. Its byte offsets are not tracked, so a resumed run reads the
  // file again from the start; it used to split it on commas (the delimiter was detected from an empty head), find no
  // phone column and fail the whole list.
  it('continues a UTF-16LE tab-separated list (Excel "Unicode Text") in new invocations with every row', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/unicode.txt`;
    let text = '姓名\t手机\t公司\r\n';
    for (let i = 0; i < 300; i++) text += `客户${i}\t${mobile(83_000 + i)}\t公司${i}\r\n`;
    const note = await world.upload(key, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    let calls = 0;
    const deps = world.deps({ options: { batchSize: 100 } });
    const runs = await world.deliverAll(note, deps, () => (calls++ < 1 ? 60_000 : 10));
    expect(runs).toBeGreaterThan(1);
    const item = await world.listItem(campaign.id, key, note);
    expect(item?.failure).toBeUndefined();
    expect(item).toMatchObject({
      status: 'ready',
      summary: { rows: 300, accepted: 300, rejected: 0, encoding: 'utf-16le' },
    });
    expect(await world.contactsOf(campaign.id)).toHaveLength(300);
  });
});
