import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ContactStore } from '#shared/ports/contact-store';
import { mobile, useIntakeWorld } from '#test/integration/helpers/intake';

const world = useIntakeWorld('intake');

const header = '姓名,手机,公司,备注\n';
const row = (i: number, note = '') => `客户${i},${mobile(i)},公司${i},${note}\n`;

describe('list intake on DynamoDB Local, s3rver and the SES stand-in', () => {
  it('loads a list: contacts pending then released, rejects file, summary, totals, event and e-mail', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/春季 名单.csv`;
    const body =
      header +
      row(1) +
      row(2, '老客户') +
      '坏号码,12345,公司,\n' +
      row(1) + // in-file duplicate
      ',,,\n' +
      '无号码,,公司,\n' +
      row(3);
    const notification = await world.upload(key, body);
    const base = world.deps();
    let pendingSeen: string[] = [];
    const contacts: ContactStore = {
      ...base.contacts,
      statusBatchSize: base.contacts.statusBatchSize,
      readStatuses: (k) => base.contacts.readStatuses(k),
      writeContacts: (t, c) => base.contacts.writeContacts(t, c),
      discardList: (t) => base.contacts.discardList(t),
      async releaseList(target, stop) {
        pendingSeen = (await world.contactsOf(campaign.id)).map((c) => String(c.duePk));
        return base.contacts.releaseList(target, stop);
      },
    };
    const result = await world.deliver(notification, { ...base, contacts });
    expect(result.batchItemFailures).toEqual([]);

    expect(pendingSeen).toHaveLength(3);
    expect(pendingSeen.every((pk) => pk.startsWith(`PENDING#${campaign.id}#`))).toBe(true);
    const stored = await world.contactsOf(campaign.id);
    expect(stored).toHaveLength(3);
    for (const c of stored) {
      expect(String(c.duePk)).toMatch(new RegExp(`^DUE#${campaign.id}#Asia/Shanghai#[0-7]$`));
      expect(String(c.dueSk)).toMatch(/^2#2026-03-02T01:00:00.000Z#/);
      expect(c.state).toBe('new');
    }
    expect(stored.map((c) => c.e164).sort()).toEqual([1, 2, 3].map((i) => `+86${mobile(i)}`));

    const list = await world.listItem(campaign.id, key, notification);
    expect(list).toMatchObject({
      status: 'ready',
      summary: {
        rows: 6,
        accepted: 3,
        duplicates: 1,
        rejected: 2,
        suppressed: 0,
        reasons: { duplicate_in_file: 1, invalid_number: 1, missing_phone: 1 },
        blankRows: 1,
        encoding: 'utf-8',
      },
    });
    const rejects = await world.readText(`lists/${campaign.id}/春季 名单.rejects.csv`);
    expect(
      rejects
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n'),
    ).toEqual(['row,raw,reason', '4,12345,invalid_number', '7,,missing_phone']);

    const ingested = world.events
      .ofType('ListIngested')
      .filter((e) => (e.detail as { campaignId?: string }).campaignId === campaign.id);
    expect(ingested).toHaveLength(1);
    const mails = await world.emailsTo(campaign.planners[0] as string);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('春季 名单.csv');
    expect(mails[0]?.body.text).toContain('accepted: 3');
    expect(mails[0]?.body.html).toContain('<table>');

    // Redelivery of the same notification changes nothing.
    const before = await world.contactsOf(campaign.id);
    await world.deliver(notification, world.deps());
    expect(await world.contactsOf(campaign.id)).toEqual(before);
    expect(
      world.events
        .ofType('ListIngested')
        .filter((e) => (e.detail as { campaignId?: string }).campaignId === campaign.id),
    ).toHaveLength(1);
    expect(await world.emailsTo(campaign.planners[0] as string)).toHaveLength(1);

    // A second upload to the same campaign adds to it; numbers it already holds are duplicates.
    const key2 = `lists/${campaign.id}/second.csv`;
    const second = await world.upload(key2, header + row(3) + row(4));
    await world.deliver(second, world.deps());
    expect(await world.contactsOf(campaign.id)).toHaveLength(4);
    expect(await world.listItem(campaign.id, key2, second)).toMatchObject({
      summary: { accepted: 1, duplicates: 1, reasons: { duplicate_in_campaign: 1 } },
    });
  });
});

export { iconv };
