import { describe, expect, it } from 'vitest';
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
});
