import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbContactStore, recordedContacts } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { contactKey, dueShard, listClaimsKey, pendingIndexKey, phoneStatusKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbSubjectStore } from '#shared/adapters/dynamodb/subject-store';
import type { Campaign } from '#shared/domain/campaign';
import { phoneKey } from '#shared/domain/phone-key';
import type { ContactStore } from '#shared/ports/contact-store';
import type { ListRepository } from '#shared/ports/list-repository';
import type { SubjectStore } from '#shared/ports/subject-store';
import type { ListCheckpoint } from '#shared/use-cases/intake/list-record';
import { eraseSubject } from '#shared/use-cases/privacy/subjects';
import { crashingAfter, mobile, PHONE_KEY_SECRET, useIntakeWorld } from '#test/integration/helpers/intake';

const world = useIntakeWorld('intake');

const header = '姓名,手机,公司,备注\n';
const row = (i: number, note = '') => `客户${i},${mobile(i)},公司${i},${note}\n`;

/** The intake time of every list in these tests (the world's clock does not move). */
const INTAKE_AT = '2026-03-02T01:00:00.000Z';

/**
 * What the intake code before records-in-transactions left of a list it was loading, as it wrote it: per number its
 * claim, and its contact in the list's pending partition of the due index; with `recordRow`, the record of single
 * writes (`phoneKeys`, written before any of those claims) under that row, else none (the code before that).
 */
async function plantLegacy(
  campaignId: string,
  listId: string,
  recordRow: number | undefined,
  numbers: { i: number; row: number; claim: boolean; contact: boolean }[],
): Promise<void> {
  const TableName = world.tables.names.main;
  const keyOf = (i: number) => phoneKey(`+86${mobile(i)}`, PHONE_KEY_SECRET);
  if (recordRow !== undefined) {
    await world.tables.client.send(
      new PutCommand({
        TableName,
        Item: { ...listClaimsKey(campaignId, listId, recordRow), phoneKeys: new Set(numbers.map((n) => keyOf(n.i))) },
      }),
    );
  }
  for (const n of numbers) {
    const key = keyOf(n.i);
    if (n.claim) {
      await world.tables.client.send(
        new PutCommand({
          TableName,
          Item: {
            ...phoneStatusKey(key),
            allocCampaignId: campaignId,
            allocListId: listId,
            allocUntil: '2026-04-01T01:00:00.000Z',
            allocAt: INTAKE_AT,
          },
        }),
      );
    }
    if (n.contact) {
      await world.tables.client.send(
        new PutCommand({
          TableName,
          Item: {
            ...contactKey(campaignId, key),
            ...pendingIndexKey(campaignId, listId, dueShard(key), 'Asia/Shanghai', 2, INTAKE_AT, key),
            campaignId,
            listId,
            row: n.row,
            phoneKey: key,
            e164: `+86${mobile(n.i)}`,
            numberType: 'mobile',
            zone: 'Asia/Shanghai',
            attributes: {},
            state: 'new',
            attempts: 0,
            createdAt: INTAKE_AT,
          },
        }),
      );
    }
  }
}

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
    let pendingSeen: Record<string, unknown>[] = [];
    const contacts: ContactStore = {
      ...base.contacts,
      statusBatchSize: base.contacts.statusBatchSize,
      readStatuses: (k) => base.contacts.readStatuses(k),
      writeContacts: (t, c) => base.contacts.writeContacts(t, c),
      discardList: (t) => base.contacts.discardList(t),
      async releaseList(target, stop, after) {
        pendingSeen = await world.contactsOf(campaign.id);
        return base.contacts.releaseList(target, stop, after);
      },
    };
    const result = await world.deliver(notification, { ...base, contacts });
    expect(result.batchItemFailures).toEqual([]);

    // Until the whole file is in, the contacts are in no index (the dispatcher cannot see them), marked pending, and
    // the transaction that wrote them recorded their numbers.
    expect(pendingSeen).toHaveLength(3);
    for (const c of pendingSeen) {
      expect(c).toMatchObject({ pendingRelease: true, listId: world.listId(key, notification) });
      expect(c.duePk).toBeUndefined();
      expect(c.dueSk).toBeUndefined();
    }
    const records = await world.records(campaign.id, world.listId(key, notification));
    expect(
      records
        .flatMap(recordedContacts)
        .map((r) => r.phoneKey)
        .sort(),
    ).toEqual(pendingSeen.map((c) => c.phoneKey).sort());
    const stored = await world.contactsOf(campaign.id);
    expect(stored).toHaveLength(3);
    for (const c of stored) {
      expect(String(c.duePk)).toMatch(new RegExp(`^DUE#${campaign.id}#Asia/Shanghai#[0-7]$`));
      expect(String(c.dueSk)).toMatch(/^2#2026-03-02T01:00:00.000Z#/);
      expect(c.state).toBe('new');
      expect(c.pendingRelease).toBeUndefined();
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

  /** A larger file in GB18030 (as Excel on Chinese Windows saves it) with a reject every 37 rows. */
  const bigFile = (rows: number, from: number) => {
    let text = header;
    for (let i = from; i < from + rows; i++) text += i % 37 === 0 ? `客户${i},999,公司${i},\n` : row(i, `备注${i}`);
    return iconv.encode(text, 'gb18030');
  };
  const finish = async (campaign: Campaign) => {
    await world.campaigns.save({ ...campaign, state: 'completed', revision: campaign.revision + 1 }, campaign.revision);
  };
  const snapshot = (contacts: Record<string, unknown>[]) =>
    contacts
      .map((c) => JSON.stringify([c.phoneKey, c.row, c.e164, c.attributes, String(c.duePk).split('#')[2], c.dueSk]))
      .sort();
  const summaryOf = (item: Record<string, unknown> | undefined) => {
    const { durationMs: _, ...rest } = (item?.summary ?? {}) as Record<string, unknown>;
    return rest;
  };

  it('resumes after a crash in the middle of a file and ends with exactly the contacts of a clean run', async () => {
    const file = bigFile(1200, 10_000);
    const clean = await world.newCampaign();
    const cleanKey = `lists/${clean.id}/big.csv`;
    const cleanNote = await world.upload(cleanKey, file);
    await world.deliver(cleanNote, world.deps());
    // Its numbers are now free for the next campaign: a finished campaign gives them up.
    await finish(clean);

    const crashed = await world.newCampaign();
    const key = `lists/${crashed.id}/big.csv`;
    const note = await world.upload(key, file);
    const base = world.deps({ options: { checkpointEveryRows: 300, batchSize: 100 } });
    // Crash after 5 batches: one checkpoint (at row 300) is saved, rows past it are written again on redelivery.
    const crashing = crashingAfter(base.contacts, 5);
    const first = await world.deliver(note, { ...base, contacts: crashing });
    expect(crashing.crashed).toBe(true);
    expect(first.batchItemFailures).toHaveLength(1);
    expect(await world.listItem(crashed.id, key, note)).toMatchObject({
      status: 'loading',
      checkpoint: { phase: 'reading' },
    });
    const pending = await world.contactsOf(crashed.id);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((c) => c.duePk === undefined && c.pendingRelease === true)).toBe(true);
    // Campaign diagnostics count them from the checkpoint: the contacts of the rows it covers.
    const dialing = new DynamoDbDialingStore({ client: world.tables.client, tableName: world.tables.names.main });
    const checkpoint = (await world.listItem(crashed.id, key, note))?.checkpoint as { row: number };
    expect(await dialing.loadingLists(crashed.id)).toEqual([
      {
        listId: world.listId(key, note),
        pendingContacts: pending.filter((c) => Number(c.row) <= checkpoint.row).length,
      },
    ]);
    expect(pending.filter((c) => Number(c.row) <= checkpoint.row).length).toBeGreaterThan(0);

    await world.deliver(note, base);
    const done = await world.listItem(crashed.id, key, note);
    expect(done?.status).toBe('ready');
    expect(await dialing.loadingLists(crashed.id)).toEqual([]);
    expect(summaryOf(done)).toEqual(summaryOf(await world.listItem(clean.id, cleanKey, cleanNote)));
    expect(done?.summary).toMatchObject({ encoding: 'gb18030' });
    const cleanContacts = snapshot(await world.contactsOf(clean.id));
    expect(snapshot(await world.contactsOf(crashed.id))).toEqual(cleanContacts);
    expect(cleanContacts).toHaveLength(1200 - 32);
    expect(await world.readText(`lists/${crashed.id}/big.rejects.csv`)).toBe(
      await world.readText(`lists/${clean.id}/big.rejects.csv`),
    );
  });

  it('continues in new invocations when the time budget runs out (ranged GET on the CSV)', async () => {
    const file = bigFile(900, 20_000);
    const clean = await world.newCampaign();
    const cleanKey = `lists/${clean.id}/timed.csv`;
    const cleanNote = await world.upload(cleanKey, file);
    await world.deliver(cleanNote, world.deps());
    await finish(clean);

    const timed = await world.newCampaign();
    const key = `lists/${timed.id}/timed.csv`;
    const note = await world.upload(key, file);
    // Each invocation may look at the clock 3 times with time to spare, then it is nearly out of time.
    let calls = 0;
    const deps = world.deps({ options: { batchSize: 100, safetyMarginMs: 1000, rejectPartBytes: 64 } });
    const runs = await world.deliverAll(note, deps, () => (calls++ % 4 < 3 ? 60_000 : 10));
    expect(runs).toBeGreaterThan(2);
    const done = await world.listItem(timed.id, key, note);
    expect(done?.status).toBe('ready');
    expect(summaryOf(done)).toEqual(summaryOf(await world.listItem(clean.id, cleanKey, cleanNote)));
    const cleanContacts = snapshot(await world.contactsOf(clean.id));
    expect(cleanContacts).toHaveLength(900 - 24);
    expect(snapshot(await world.contactsOf(timed.id))).toEqual(cleanContacts);
    expect(await world.readText(`lists/${timed.id}/timed.rejects.csv`)).toBe(
      await world.readText(`lists/${clean.id}/timed.rejects.csv`),
    );
  });

  it('stops the release between pages of records and goes on after the last page done, counting each release once', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/paged.csv`;
    let body = header;
    for (let i = 44_000; i < 44_300; i++) body += row(i);
    const note = await world.upload(key, body);
    const base = world.deps({
      // Pages of 3 records (147 contacts, two transactions in parallel); every page finds the time short.
      contacts: new DynamoDbContactStore({
        client: world.tables.client,
        tableName: world.tables.names.main,
        recordsPerPage: 3,
      }),
    });
    const saved: ListCheckpoint[] = [];
    const lists: ListRepository = {
      begin: (record) => base.lists.begin(record),
      complete: (...args) => base.lists.complete(...args),
      fail: (...args) => base.lists.fail(...args),
      markNotified: (...args) => base.lists.markNotified(...args),
      async saveCheckpoint(ref, checkpoint) {
        saved.push(structuredClone(checkpoint));
        return base.lists.saveCheckpoint(ref, checkpoint);
      },
    };
    const runs = await world.deliverAll(note, { ...base, lists }, () => 10);
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({ status: 'ready', summary: { accepted: 300 } });
    // Records of 49 contacts from rows 2, 51, 100, …, 296: the release stopped after rows 100 and 247.
    const releasing = saved.filter((c) => c.phase === 'releasing');
    expect(releasing.map((c) => [c.released, c.releasedAfterRow])).toEqual([
      [0, undefined],
      [147, 100],
      [294, 247],
    ]);
    expect(runs).toBe(4);
    const contacts = await world.contactsOf(campaign.id);
    expect(contacts).toHaveLength(300);
    expect(contacts.every((c) => String(c.duePk).startsWith('DUE#') && c.pendingRelease === undefined)).toBe(true);
  });

  it('allocates each number shared by two lists loaded at once to exactly one campaign', async () => {
    const a = await world.newCampaign();
    const b = await world.newCampaign();
    let fileA = header;
    let fileB = header;
    for (let i = 5000; i < 5400; i++) {
      fileA += row(i);
      fileB += row(5399 - (i - 5000)); // the same numbers, in the opposite order
    }
    fileB += row(6000);
    const noteA = await world.upload(`lists/${a.id}/a.csv`, fileA);
    const noteB = await world.upload(`lists/${b.id}/b.csv`, fileB);
    const deps = world.deps({
      contacts: new DynamoDbContactStore({
        client: world.tables.client,
        tableName: world.tables.names.main,
        concurrency: 8,
      }),
      options: { batchSize: 50 },
    });
    await Promise.all([world.deliver(noteA, deps), world.deliver(noteB, deps)]);

    const inA = new Set((await world.contactsOf(a.id)).map((c) => String(c.phoneKey)));
    const inB = new Set((await world.contactsOf(b.id)).map((c) => String(c.phoneKey)));
    expect([...inA].filter((k) => inB.has(k))).toEqual([]);
    expect(inA.size + inB.size).toBe(401);
    const statuses = await world.statusItems();
    for (const k of [...inA, ...inB]) {
      const holder = statuses.find((s) => s.pk === `PHONE#${k}`)?.allocCampaignId;
      expect(holder).toBe(inA.has(k) ? a.id : b.id);
    }
    const listA = await world.listItem(a.id, `lists/${a.id}/a.csv`, noteA);
    const listB = await world.listItem(b.id, `lists/${b.id}/b.csv`, noteB);
    expect(listA?.summary).toMatchObject({ accepted: inA.size, suppressed: 400 - inA.size });
    expect(listB?.summary).toMatchObject({ accepted: inB.size, suppressed: 401 - inB.size });
  });

  it.each([
    ['an empty file', 'empty.csv', '', 'empty_file'],
    ['a file without a phone column', 'nophone.csv', '姓名,公司\n张三,公司\n', 'no_phone_column'],
    ['an unsupported type', 'scan.pdf', '%PDF-1.4 ...', 'unsupported_type'],
    ['a PDF named .csv', 'fake.csv', '%PDF-1.4 ...', 'unsupported_type'],
  ])('fails %s with one clear reason and nothing dialable', async (_, file, body, problem) => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/${file}`;
    const note = await world.upload(key, body);
    const result = await world.deliver(note, world.deps());
    expect(result.batchItemFailures).toEqual([]);
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({ status: 'failed', failure: { problem } });
    expect(await world.contactsOf(campaign.id)).toEqual([]);
    const failed = world.events
      .ofType('ListFailed')
      .filter((e) => (e.detail as { campaignId?: string }).campaignId === campaign.id);
    expect(failed).toHaveLength(1);
    expect((await world.emailsTo(campaign.planners[0] as string))[0]?.subject).toContain('List failed');
  });

  it('fails a list whose file breaks after rows were written, and leaves none of them dialable', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/toolong.csv`;
    let body = header;
    // Long rows: the reader's read-ahead (a few 16 KiB buffers) then holds few rows, so writes happen before the limit.
    for (let i = 30_000; i < 31_000; i++) body += row(i, 'x'.repeat(900));
    // The notification understates the size, so the limit is only hit while streaming, after contacts were written.
    const note = JSON.parse(await world.upload(key, body));
    note.Records[0].s3.object.size = 1000;
    let written = 0;
    const base = world.deps({ options: { batchSize: 50, maxBytes: 400_000 } });
    const contacts: ContactStore = {
      statusBatchSize: base.contacts.statusBatchSize,
      readStatuses: (k) => base.contacts.readStatuses(k),
      releaseList: (t, stop, after) => base.contacts.releaseList(t, stop, after),
      discardList: (t) => base.contacts.discardList(t),
      async writeContacts(t, c) {
        const outcomes = await base.contacts.writeContacts(t, c);
        written += outcomes.length;
        return outcomes;
      },
    };
    await world.deliver(JSON.stringify(note), { ...base, contacts });
    expect(written).toBeGreaterThan(100);
    expect(await world.listItem(campaign.id, key, JSON.stringify(note))).toMatchObject({
      status: 'failed',
      failure: { problem: 'too_large' },
    });
    expect(await world.contactsOf(campaign.id)).toEqual([]);
    const claims = (await world.statusItems()).filter((s) => s.allocCampaignId === campaign.id);
    expect(claims).toEqual([]);
  });

  it("discards a failed list: its records' contacts and claims, and what the code before left, never another list's", async () => {
    const campaign = await world.newCampaign();
    // Another list of the campaign holds 40_050 (released): this list must leave it and its claim alone.
    const firstKey = `lists/${campaign.id}/first.csv`;
    const firstNote = await world.upload(firstKey, header + row(40_050));
    await world.deliver(firstNote, world.deps());
    const firstListId = world.listId(firstKey, firstNote);

    const key = `lists/${campaign.id}/halfway.csv`;
    let body = header;
    for (let i = 40_000; i < 40_120; i++) body += row(i);
    const note = await world.upload(key, body);
    const listId = world.listId(key, note);
    // The code before (single writes) had begun this list: a record listing numbers before it claimed them, one
    // claimed with its contact put in the pending partition, one claimed before a crash kept its contact from being
    // written, and one it recorded but found held by the other list; and a contact from before records existed.
    await plantLegacy(campaign.id, listId, 2, [
      { i: 40_000, row: 2, claim: true, contact: true },
      { i: 40_110, row: 112, claim: true, contact: false },
      { i: 40_050, row: 52, claim: false, contact: false },
    ]);
    await plantLegacy(campaign.id, listId, undefined, [{ i: 40_001, row: 3, claim: true, contact: true }]);

    // A process killed right after its second contact transaction committed (98 of the 120 rows written).
    const client = createDocumentClient({
      endpoint: world.tables.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let committed = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const first = (args.input as { TransactItems?: { Put?: { Item?: { sk?: unknown } } }[] }).TransactItems?.[0];
        if (
          context.commandName === 'TransactWriteItemsCommand' &&
          String(first?.Put?.Item?.sk).startsWith('CONTACT#') &&
          ++committed === 2
        ) {
          throw Object.assign(new Error('the function was killed'), { name: 'FunctionKilled' });
        }
        return out;
      },
      { step: 'initialize', name: 'dieAfterCommit' },
    );
    const dying = world.deps({
      contacts: new DynamoDbContactStore({ client, tableName: world.tables.names.main, concurrency: 1 }),
    });
    expect((await world.deliver(note, dying)).batchItemFailures).toHaveLength(1);
    const claimsOf = async () =>
      (await world.statusItems()).filter((s) => s.allocCampaignId === campaign.id && s.allocListId === listId);
    const ofThisList = async () => (await world.contactsOf(campaign.id)).filter((c) => c.listId === listId);
    // Rows 40_000 to 40_098 less the other list's number; 40_110's claim stands without a contact.
    expect(await ofThisList()).toHaveLength(98);
    expect(await claimsOf()).toHaveLength(99);
    expect((await world.records(campaign.id, listId)).flatMap(recordedContacts)).toHaveLength(96);

    // The planner completes the campaign before the redelivery: the list fails, and gives back all it took.
    await finish(campaign);
    await world.deliver(note, world.deps());
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({
      status: 'failed',
      failure: { problem: 'campaign_finished' },
    });
    expect(await ofThisList()).toEqual([]);
    expect(await claimsOf()).toEqual([]);
    const kept = await world.contactsOf(campaign.id);
    expect(kept.map((c) => [c.e164, c.listId])).toEqual([[`+86${mobile(40_050)}`, firstListId]]);
    const held = (await world.statusItems()).filter((s) => s.allocCampaignId === campaign.id);
    expect(held.map((s) => [s.pk, s.allocListId])).toEqual([[`PHONE#${kept[0]?.phoneKey}`, firstListId]]);
  });

  it('release from the records skips a contact erased and one made DNC meanwhile; erasure finds a pending contact', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/erased.csv`;
    let body = header;
    for (let i = 41_000; i < 41_030; i++) body += row(i);
    const note = await world.upload(key, body);
    const base = world.deps({ options: { batchSize: 10, checkpointEveryRows: 10 } });
    // The first batch is written and checkpointed, the second crashes: the list stays loading.
    const crashing = crashingAfter(base.contacts, 1);
    await world.deliver(note, { ...base, contacts: crashing });
    expect(crashing.crashed).toBe(true);

    const subject = phoneKey(`+86${mobile(41_003)}`, PHONE_KEY_SECRET);
    const subjects = new DynamoDbSubjectStore({ client: world.tables.client, tableName: world.tables.names.main });
    const at = world.clock.now().toISOString();
    await subjects.suppress(subject, { source: 'erasure', at, by: 'admin-1', how: 'test' });
    const found = await subjects.find(subject);
    expect(found.filter((r) => r.kind === 'contact')).toEqual([
      expect.objectContaining({ campaignId: campaign.id, data: expect.objectContaining({ state: 'new' }) }),
    ]);
    await subjects.erase(subject, found, at);

    // 41_005 asks not to be called on a call of another campaign: the outcome store writes the DNC entry and makes
    // the number's pending contacts final in the same transaction (outcome-store.ts, `write` with `dnc`).
    const refused = phoneKey(`+86${mobile(41_005)}`, PHONE_KEY_SECRET);
    await world.tables.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: world.tables.names.main,
              Key: phoneStatusKey(refused),
              UpdateExpression: 'SET dnc = :entry',
              ExpressionAttributeValues: { ':entry': { source: 'request', at, who: 'agent-1', how: 'c-other.x.1' } },
            },
          },
          {
            Update: {
              TableName: world.tables.names.main,
              Key: contactKey(campaign.id, refused),
              UpdateExpression: 'SET #state = :dnc, reason = :reason, updatedAt = :now REMOVE duePk, dueSk, dueAt',
              ConditionExpression: '#state = :observed',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: {
                ':dnc': 'dnc',
                ':reason': 'do not call (request)',
                ':now': at,
                ':observed': 'new',
              },
            },
          },
        ],
      }),
    );

    // The summary says what intake accepted; the erasure and the DNC came after, and the release left both alone.
    await world.deliver(note, base);
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({ status: 'ready', summary: { accepted: 30 } });
    const contacts = await world.contactsOf(campaign.id);
    expect(contacts).toHaveLength(29);
    expect(contacts.map((c) => c.phoneKey)).not.toContain(subject);
    expect((await subjects.find(subject)).map((r) => r.kind)).toEqual(['status']);
    const dnc = contacts.find((c) => c.phoneKey === refused);
    expect(dnc).toMatchObject({ state: 'dnc' });
    expect(dnc?.duePk).toBeUndefined();
    const released = contacts.filter((c) => c.phoneKey !== refused);
    expect(released).toHaveLength(28);
    for (const c of released) {
      expect(String(c.duePk)).toMatch(new RegExp(`^DUE#${campaign.id}#`));
      expect(c.pendingRelease).toBeUndefined();
    }
  });

  it('an erasure whose read a list intake follows at once: the number is DNC before the read, so intake cannot claim it', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/erasure-race.csv`;
    let body = header;
    for (let i = 45_000; i < 45_010; i++) body += row(i);
    const note = await world.upload(key, body);
    const subject = phoneKey(`+86${mobile(45_004)}`, PHONE_KEY_SECRET);
    const store = new DynamoDbSubjectStore({ client: world.tables.client, tableName: world.tables.names.main });
    // The list is delivered and loaded in full between the erasure's read and its deletes: erasing in the order
    // read → delete would leave this contact behind, with the person's name and number in it.
    let intakeRan = false;
    const racing: SubjectStore = {
      suppress: (k, dnc) => store.suppress(k, dnc),
      erase: (k, records, at) => store.erase(k, records, at),
      find: async (k) => {
        const records = await store.find(k);
        await world.deliver(note, world.deps());
        intakeRan = true;
        return records;
      },
    };
    const deps = { store: racing, clock: world.clock, phoneKeySecret: PHONE_KEY_SECRET };
    const erasure = await eraseSubject(deps, { id: 'admin-1', roles: ['admin'] }, `+86${mobile(45_004)}`);
    expect(intakeRan).toBe(true);

    expect(erasure).toMatchObject({ phoneKey: subject, kept: { dnc: { source: 'erasure', by: 'admin-1' } } });
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({
      status: 'ready',
      summary: { accepted: 9, suppressed: 1, reasons: { do_not_call: 1 } },
    });
    const contacts = await world.contactsOf(campaign.id);
    expect(contacts).toHaveLength(9);
    expect(contacts.map((c) => c.phoneKey)).not.toContain(subject);
    expect((await store.find(subject)).map((r) => r.kind)).toEqual(['status']);
  });

  it('releases a list loading across the deploy: what the code before wrote in the pending partitions, and the rest', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/across.csv`;
    let body = header;
    for (let i = 43_000; i < 43_020; i++) body += row(i);
    const note = await world.upload(key, body);
    const listId = world.listId(key, note);
    // The code before loaded the first rows into the pending partitions of the due index (one of them with a record
    // from single writes, one from before records), and claimed 43_009 before a crash kept its contact from being put.
    await plantLegacy(campaign.id, listId, 2, [
      { i: 43_000, row: 2, claim: true, contact: true },
      { i: 43_001, row: 3, claim: true, contact: true },
      { i: 43_009, row: 11, claim: true, contact: false },
    ]);
    await plantLegacy(campaign.id, listId, undefined, [{ i: 43_002, row: 4, claim: true, contact: true }]);

    await world.deliver(note, world.deps());
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({ status: 'ready', summary: { accepted: 20 } });
    const contacts = await world.contactsOf(campaign.id);
    expect(contacts).toHaveLength(20);
    for (const c of contacts) {
      expect(c.duePk).toBe(`DUE#${campaign.id}#Asia/Shanghai#${dueShard(String(c.phoneKey))}`);
      expect(c.dueSk).toBe(`2#${INTAKE_AT}#${c.phoneKey}`);
      expect(c.pendingRelease).toBeUndefined();
    }
    const claims = (await world.statusItems()).filter((s) => s.allocCampaignId === campaign.id);
    expect(claims.map((s) => String(s.pk).slice('PHONE#'.length)).sort()).toEqual(
      contacts.map((c) => String(c.phoneKey)).sort(),
    );
    // Only what the new code wrote is in its records: the code before's contacts were found in their partitions.
    expect((await world.records(campaign.id, listId)).flatMap(recordedContacts)).toHaveLength(17);
  });

  it('fails a list for a campaign that does not exist or is finished', async () => {
    const missingKey = 'lists/c-doesnotexist00/list.csv';
    const missing = await world.upload(missingKey, header + row(1));
    await world.deliver(missing, world.deps());
    expect(await world.listItem('c-doesnotexist00', missingKey, missing)).toMatchObject({
      status: 'failed',
      failure: { problem: 'campaign_not_found' },
    });
    const done = await world.newCampaign({ state: 'completed' });
    const doneKey = `lists/${done.id}/late.csv`;
    const late = await world.upload(doneKey, header + row(1));
    await world.deliver(late, world.deps());
    expect(await world.listItem(done.id, doneKey, late)).toMatchObject({ failure: { problem: 'campaign_finished' } });
    expect(await world.contactsOf(done.id)).toEqual([]);
  });

  it('imports a DNC file; a later list holding those numbers has them suppressed', async () => {
    const dnc = await world.upload('dnc/投诉 号码.csv', `手机\n${mobile(9001)}\n${mobile(9002)}\n`);
    expect((await world.deliver(dnc, world.deps())).batchItemFailures).toEqual([]);
    const dncEvent = world.events.ofType('ListIngested').find((e) => (e.detail as { kind: string }).kind === 'dnc');
    expect(dncEvent?.detail).toMatchObject({ summary: { accepted: 2 } });

    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/with-dnc.csv`;
    const note = await world.upload(key, header + row(9001) + row(9002) + row(9003));
    await world.deliver(note, world.deps());
    expect(await world.listItem(campaign.id, key, note)).toMatchObject({
      summary: { accepted: 1, suppressed: 2, reasons: { do_not_call: 2 } },
    });
    expect((await world.contactsOf(campaign.id)).map((c) => c.e164)).toEqual([`+86${mobile(9003)}`]);
  });

  it('ignores the S3 test event and the rejects files it writes itself', async () => {
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: world.bucket });
    expect((await world.deliver(test, world.deps())).batchItemFailures).toEqual([]);
    const campaign = await world.newCampaign();
    const note = await world.upload(`lists/${campaign.id}/x.rejects.csv`, 'row,raw,reason\n');
    expect((await world.deliver(note, world.deps())).batchItemFailures).toEqual([]);
    expect(await world.listItem(campaign.id, `lists/${campaign.id}/x.rejects.csv`, note)).toBeUndefined();
  });
});
