import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, inject, it } from 'vitest';
import { S3_LOCAL_CREDENTIALS } from '#infra/local/s3-local';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { SesMailer } from '#shared/adapters/ses/mailer';
import type { Campaign } from '#shared/domain/campaign';
import type { IngestDeps } from '#shared/use-cases/intake/ingest-list';
import {
  type FaultCounters,
  Invocations,
  injectCallFaults,
  type KillPhase,
  seededRandom,
} from '#test/integration/faults/inject';
import { emptyRow, type FaultRow, faultReport } from '#test/integration/faults/report';
import { mobile, useIntakeWorld } from '#test/integration/helpers/intake';

/**
 * List intake under faults: the real SQS handler and ingest use case on DynamoDB Local, s3rver and the SES stand-in.
 * Each delivery runs as a fresh function process (its own SDK clients); a delivery that fails is delivered again, as
 * SQS redelivers a record reported in batchItemFailures. Faults are SDK middleware on those clients: the function
 * killed at its N-th DynamoDB transaction of one kind (before it is sent, or after DynamoDB committed it: the
 * contacts' transaction with their claims and record, the release's), and SES throttling the planners' notification
 * mail.
 *
 * Measured against a fault-free load of the same file into another campaign: a contact of the clean run missing (or
 * left pending, never dialable) is lost; a contact written twice is a duplicate; a summary figure that differs from the
 * clean run's is a lost outcome; the planners' mail is owed exactly once.
 */

const world = useIntakeWorld('faults-intake');
const rows = faultReport('intake');
const MAX_DELIVERIES = 25;

const header = '姓名,手机,公司,备注\n';
/** Rows with a reject every 37th, so rejects parts, checkpoints and summaries all take part. */
function listFile(count: number, from: number): string {
  let text = header;
  for (let i = from; i < from + count; i++) {
    text += i % 37 === 0 ? `客户${i},999,公司${i},\n` : `客户${i},${mobile(i)},公司${i},备注${i}\n`;
  }
  return text;
}

/** The intake transactions a kill can target, told apart by their first action. */
type WriteKind = 'write' | 'release';

function writeKind(command: string, input: unknown): WriteKind | undefined {
  if (!/^TransactWrite(Items)?Command$/.test(command)) return undefined;
  const [first] =
    ((input ?? {}) as { TransactItems?: { Put?: { Item?: { sk?: unknown } }; Update?: { Key?: { sk?: unknown } } }[] })
      .TransactItems ?? [];
  if (String(first?.Put?.Item?.sk).startsWith('CONTACT#')) return 'write';
  return String(first?.Update?.Key?.sk).startsWith('CONTACT#') ? 'release' : undefined;
}

/** Ingest deps of one fresh function process whose clients `invocations` can kill and `ses` faults may throttle. */
function processDeps(invocations: Invocations, sesFaults?: (ses: SESv2Client) => void): IngestDeps {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const ddb = createDocumentClient({ endpoint: world.tables.endpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const ses = new SESv2Client({ endpoint: world.sesEndpoint, region: 'us-east-1', credentials });
  for (const client of [ddb, s3, ses]) invocations.attach(client);
  sesFaults?.(ses);
  const tableName = world.tables.names.main;
  return world.deps({
    objects: new S3ObjectStore(s3),
    lists: new DynamoDbListRepository({ client: ddb, tableName }),
    contacts: new DynamoDbContactStore({ client: ddb, tableName }),
    dnc: new DynamoDbDncStore({ client: ddb, tableName }),
    campaigns: new DynamoDbCampaignRepository({ client: ddb, tableName }),
    mailer: new SesMailer({ client: ses, from: 'outcall@example.com' }),
    options: { checkpointEveryRows: 200, batchSize: 100 },
  });
}

/** What a finished load left, in a form two campaigns can be compared by (no campaign id, no time). */
async function loaded(campaign: Campaign, key: string, note: string) {
  const contacts = await world.contactsOf(campaign.id);
  const list = await world.listItem(campaign.id, key, note);
  const { durationMs: _, ...summary } = (list?.summary ?? {}) as Record<string, unknown>;
  return {
    contacts: contacts.map((c) => JSON.stringify([c.phoneKey, c.row, c.attributes, String(c.duePk).split('#')[2]])),
    pending: contacts.filter((c) => !String(c.duePk).startsWith('DUE#')).length,
    summary,
    status: list?.status,
    mails: (await world.emailsTo(campaign.planners[0] as string)).length,
  };
}

/** Loads `file` into a new campaign, delivering until a delivery succeeds; the previous campaign gives its numbers up. */
async function loadWithFaults(
  file: string,
  name: string,
  invocations: Invocations,
  sesFaults?: (ses: SESv2Client) => void,
) {
  const campaign = await world.newCampaign();
  const key = `lists/${campaign.id}/${name}.csv`;
  const note = await world.upload(key, file);
  let deliveries = 0;
  for (;;) {
    const result = await invocations.run(() => world.deliver(note, processDeps(invocations, sesFaults)));
    deliveries++;
    if (result.batchItemFailures.length === 0) break;
    if (deliveries >= MAX_DELIVERIES) break;
  }
  return { campaign, key, note, deliveries };
}

const finish = (campaign: Campaign) =>
  world.campaigns.save({ ...campaign, state: 'completed', revision: campaign.revision + 1 }, campaign.revision);

type Loaded = Awaited<ReturnType<typeof loaded>>;

/** Compares a load under faults with the clean one; counts go into a row (pushed to the report). */
function compareLoads(scenario: string, clean: Loaded, got: Loaded, faults: number): FaultRow {
  const row = emptyRow(scenario);
  const reference = new Set(clean.contacts);
  const seen = new Map<string, number>();
  for (const c of got.contacts) seen.set(c, (seen.get(c) ?? 0) + 1);
  row.contactsIn = clean.contacts.length;
  row.contactsLost = clean.contacts.filter((c) => !seen.has(c)).length + got.pending;
  // A contact twice, or one the clean run does not have (written from a row it should not have been).
  row.attemptsDuplicated = [...seen].reduce((n, [c, times]) => n + (reference.has(c) ? times - 1 : times), 0);
  const fields = new Set([...Object.keys(clean.summary), ...Object.keys(got.summary)]);
  for (const f of fields) {
    if (JSON.stringify(clean.summary[f]) !== JSON.stringify(got.summary[f])) row.outcomesLost++;
  }
  if (got.status !== 'ready') row.outcomesLost++;
  row.mailsLost = Math.max(0, 1 - got.mails);
  row.mailsDuplicated = Math.max(0, got.mails - 1);
  row.faultsInjected = faults;
  return row;
}

describe('fault injection: list intake on DynamoDB Local, s3rver and the SES stand-in', () => {
  it('ingest killed at its N-th write of a kind, several times, each redelivery resuming', async () => {
    const file = listFile(700, 30_000);
    const clean = await loadWithFaults(file, 'clean', new Invocations());
    const reference = await loaded(clean.campaign, clean.key, clean.note);
    await finish(clean.campaign);

    // Delivery k dies at its kills[k].at-th transaction of that kind: before it is sent (counting sends), or once
    // DynamoDB has committed it (counting commits, so the kill lands on the answer that makes the count whatever order
    // concurrent answers come back in; a cancelled transaction commits nothing and is not counted). Later deliveries
    // run to the end. Batches are 100 rows (two contact transactions each) and checkpoints every 200: a contact
    // transaction committed in the second batch, before any checkpoint (the next run finds its contacts as its own);
    // one never sent past the first checkpoint. Then, the file being in, the release (7 transactions of 100, 4 at a
    // time): killed at its second commit, when the first commit's worker has sent the fifth (the three in flight
    // commit too: 5 of 7 released); the next run's first never sent; the next run's first commit, after the five
    // released already were cancelled (the other one in flight commits too); the last run releases nothing new.
    const kills: { kind: WriteKind; at: number; phase: KillPhase }[] = [
      { kind: 'write', at: 3, phase: 'after' },
      { kind: 'write', at: 6, phase: 'before' },
      { kind: 'release', at: 2, phase: 'after' },
      { kind: 'release', at: 1, phase: 'before' },
      { kind: 'release', at: 1, phase: 'after' },
    ];
    const invocations = new Invocations();
    const seen = new Map<string, number>();
    invocations.die = (command, input, phase, run) => {
      const kill = kills[run];
      if (!kill || kill.phase !== phase || writeKind(command, input) !== kill.kind) return false;
      const key = `${run}:${phase}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return seen.get(key) === kill.at;
    };
    const crashed = await loadWithFaults(file, 'crashed', invocations);
    const got = await loaded(crashed.campaign, crashed.key, crashed.note);
    const row = compareLoads(
      'intake killed at its N-th contact or release transaction, before or after it commits, redelivered (5 kills)',
      reference,
      got,
      invocations.kills,
    );
    rows.push(row);

    // Every claim the crashed load left is a claim of one of its contacts: none was made and then forgotten.
    const claimed = (await world.statusItems())
      .filter((s) => s.allocCampaignId === crashed.campaign.id)
      .map((s) => String(s.pk).slice('PHONE#'.length));
    const contactKeys = (await world.contactsOf(crashed.campaign.id)).map((c) => String(c.phoneKey));
    expect(claimed.sort()).toEqual(contactKeys.sort());

    expect(reference).toMatchObject({ status: 'ready', pending: 0, mails: 1 });
    expect(reference.contacts).toHaveLength(700 - 19);
    expect(invocations.kills).toBe(kills.length);
    expect(crashed.deliveries).toBe(kills.length + 1);
    expect(row).toMatchObject({
      contactsLost: 0,
      attemptsDuplicated: 0,
      outcomesLost: 0,
      mailsLost: 0,
      mailsDuplicated: 0,
    });
  });

  it('SES TooManyRequestsException on the planners notification: sent on a redelivery, once', async () => {
    const file = listFile(120, 40_000);
    const clean = await loadWithFaults(file, 'clean', new Invocations());
    const reference = await loaded(clean.campaign, clean.key, clean.note);
    await finish(clean.campaign);

    const random = seededRandom(3_001);
    const counters: FaultCounters = { injected: 0, writes: 0 };
    // Each process has its own client; the counts add up over the deliveries.
    const throttled = await loadWithFaults(file, 'throttled', new Invocations(), (ses) =>
      injectCallFaults(
        ses,
        ['SendEmailCommand'],
        { rate: 0.7, name: 'TooManyRequestsException' },
        () => true,
        random,
        counters,
      ),
    );
    const got = await loaded(throttled.campaign, throttled.key, throttled.note);
    const row = compareLoads(
      'SES TooManyRequestsException on 70% of intake notifications',
      reference,
      got,
      counters.injected,
    );
    rows.push(row);

    expect(counters.injected).toBeGreaterThan(0);
    expect(throttled.deliveries).toBe(counters.injected + 1);
    expect(row).toMatchObject({
      contactsLost: 0,
      attemptsDuplicated: 0,
      outcomesLost: 0,
      mailsLost: 0,
      mailsDuplicated: 0,
    });
  });
});

describe('intake fault accounting', () => {
  it('counts a lost, a pending and a doubled contact, a summary that differs and a mail sent twice', () => {
    const clean: Loaded = {
      contacts: ['a', 'b', 'c'],
      pending: 0,
      summary: { accepted: 3, rows: 3 },
      status: 'ready',
      mails: 1,
    };
    const broken: Loaded = {
      contacts: ['a', 'a', 'c', 'x'],
      pending: 1,
      summary: { accepted: 4, rows: 3 },
      status: 'ready',
      mails: 2,
    };
    expect(compareLoads('broken', clean, broken, 0)).toMatchObject({
      contactsIn: 3,
      contactsLost: 1 + 1,
      attemptsDuplicated: 1 + 1,
      outcomesLost: 1,
      mailsLost: 0,
      mailsDuplicated: 1,
    });
    expect(compareLoads('clean', clean, clean, 0)).toMatchObject({
      contactsLost: 0,
      attemptsDuplicated: 0,
      outcomesLost: 0,
      mailsLost: 0,
      mailsDuplicated: 0,
    });
  });
});
