import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { S3_LOCAL_CREDENTIALS } from '#infra/local/s3-local';
import type { StoredEmail } from '#infra/local/ses-local';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { SesReportMailer } from '#shared/adapters/ses/report-mailer';
import { agentSchema, teamSchema } from '#shared/domain/agents/agent';
import { periodContaining } from '#shared/domain/reports/period';
import { type ReportSettings, reportSettingsSchema } from '#shared/domain/reports/recipients';
import { objectStoreArchive } from '#shared/use-cases/reports/archive';
import { type ReportDeps, sendTeamReport } from '#shared/use-cases/reports/send-reports';
import { type FaultCounters, Invocations, injectCallFaults, seededRandom } from '#test/integration/faults/inject';
import { emptyRow, faultReport } from '#test/integration/faults/report';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { useTestTables } from '#test/integration/helpers/tables';

/**
 * Report mail under faults: the real report use case (markers per report and per message) on DynamoDB Local, s3rver
 * and the SES stand-in. A team report goes to 122 addresses, so three SES messages (≤ 50 recipients each). A run that
 * fails is run again, as the hourly tick and the scheduler's retry do. Faults are SDK middleware on the SES client
 * (TooManyRequestsException before SES saw the message) and a kill of the function between two messages.
 *
 * Owed: every (report, recipient) pair exactly once. A pair the SES stand-in never received is a lost mail, one it
 * received twice a duplicate. (A kill after SES accepted a message but before its marker is written may still send
 * that message twice: SES has no idempotency key — send-reports.ts says so — and no scenario here claims otherwise.)
 */

const tables = useTestTables('faults-reports');
const rows = faultReport('reports');
const BUCKET = `faults-reports-${randomBytes(4).toString('hex')}`;
const DAYS = ['2026-03-07', '2026-03-08', '2026-03-09'];
const EXTRA_RECIPIENTS = 120;
const MAX_RUNS = 25;
let s3: S3Client;

beforeAll(async () => {
  s3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

interface Team {
  id: string;
  recipients: string[];
  settings: ReportSettings;
  manager: string;
}

/** A team of its own, with a lead, one agent, a campaign and 120 extra recipients: three messages a report. */
async function newTeam(): Promise<Team> {
  const run = randomBytes(4).toString('hex');
  const id = `t-${run}`;
  const agents = new DynamoDbAgentStore({ client: tables.client, tableName: tables.names.main });
  const lead = `lead-${run}@example.com`;
  await agents.putTeam(
    teamSchema.parse({
      id,
      name: '上海一组',
      leadEmails: [lead],
      timeZone: 'Asia/Shanghai',
      updatedAt: 'x',
      updatedBy: 'x',
    }),
  );
  await agents.putAgent(
    agentSchema.parse({ id: `a-${run}`, name: '张伟', teamId: id, startDate: '2025-01-01', updatedAt: 'x' }),
  );
  await new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }).create(
    storedCampaign(`c-rep${run}`, { state: 'active', teamIds: [id], name: '鲜奶到家' }),
  );
  const extra = Array.from({ length: EXTRA_RECIPIENTS }, (_, i) => `extra${i}-${run}@example.com`);
  const manager = `boss-${run}@example.com`;
  return {
    id,
    recipients: [lead, ...extra, manager],
    settings: reportSettingsSchema.parse({ teams: { [id]: extra } }),
    manager,
  };
}

/** Report deps of one fresh function process; `setup` may attach faults to its clients. */
function processDeps(
  team: Team,
  clock: ManualClock,
  setup: (clients: { ddb: ReturnType<typeof createDocumentClient>; ses: SESv2Client; s3: S3Client }) => void,
): ReportDeps {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const ddb = createDocumentClient({ endpoint: tables.endpoint, region: 'us-east-1', credentials });
  const ses = new SESv2Client({ endpoint: inject('sesEndpoint'), region: 'us-east-1', credentials });
  const processS3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  setup({ ddb, ses, s3: processS3 });
  const tableName = tables.names.main;
  const store = new DynamoDbReportStore({ client: ddb, tableName });
  const repository = new DynamoDbCampaignRepository({ client: ddb, tableName });
  return {
    reads: store,
    markers: store,
    agents: new DynamoDbAgentStore({ client: ddb, tableName }),
    campaigns: repository,
    clock,
    mailer: new SesReportMailer({ client: ses, from: 'outcall@example.com' }),
    archive: objectStoreArchive(new S3ObjectStore(processS3), BUCKET, 'us-east-1'),
    managerEmails: [team.manager],
    campaignUseCases: { repository, events: new InMemoryEventPublisher(), clock },
  };
}

/** Mail the SES stand-in holds for the team's addresses, counted per (subject, recipient). */
async function mailCounts(team: Team): Promise<Map<string, number>> {
  const response = await fetch(`${inject('sesEndpoint')}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const ours = new Set(team.recipients);
  const counts = new Map<string, number>();
  for (const mail of emails) {
    for (const to of mail.destination.to) {
      if (!ours.has(to)) continue;
      const key = `${mail.subject}|${to}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Lost and duplicated (report, recipient) pairs: `owed` reports, each owed once to every recipient. */
function mailAccount(team: Pick<Team, 'recipients'>, counts: Map<string, number>, owed: number) {
  const subjects = new Set([...counts.keys()].map((k) => k.split('|')[0]));
  let lost = Math.max(0, owed - subjects.size) * team.recipients.length;
  let duplicated = 0;
  for (const subject of subjects) {
    for (const to of team.recipients) {
      const n = counts.get(`${subject}|${to}`) ?? 0;
      if (n === 0) lost++;
      else duplicated += n - 1;
    }
  }
  return { lost, duplicated, subjects: subjects.size };
}

describe('fault injection: report mail on DynamoDB Local, s3rver and the SES stand-in', () => {
  it('SES TooManyRequestsException on half the sends: every report goes out later, once to each recipient', async () => {
    const team = await newTeam();
    const clock = new ManualClock('2026-03-10T00:30:00Z');
    const random = seededRandom(4_001);
    const counters: FaultCounters = { injected: 0, writes: 0 };
    let runs = 0;
    let failures = 0;
    for (const day of DAYS) {
      for (let r = 0; r < MAX_RUNS; r++) {
        const deps = processDeps(team, clock, ({ ses }) =>
          injectCallFaults(
            ses,
            ['SendEmailCommand'],
            { rate: 0.5, name: 'TooManyRequestsException' },
            () => true,
            random,
            counters,
          ),
        );
        runs++;
        try {
          const result = await sendTeamReport(deps, team.settings, 'daily', team.id, periodContaining('daily', day));
          if (result.status === 'sent' || result.status === 'alreadySent') break;
        } catch (error) {
          if ((error as Error).name !== 'TooManyRequestsException') throw error;
          failures++;
        }
      }
    }
    const account = mailAccount(team, await mailCounts(team), DAYS.length);
    rows.push({
      ...emptyRow('SES TooManyRequestsException on half the report mails (3 messages a report)'),
      mailsLost: account.lost,
      mailsDuplicated: account.duplicated,
      faultsInjected: counters.injected,
    });

    expect(counters.injected).toBeGreaterThan(0);
    expect(failures).toBe(counters.injected);
    expect(runs).toBe(DAYS.length + failures);
    expect(account).toEqual({ lost: 0, duplicated: 0, subjects: DAYS.length });
  });

  it('reports function killed before its second message reached SES: the rest goes once the claim is stale', async () => {
    const team = await newTeam();
    const clock = new ManualClock('2026-03-10T00:30:00Z');
    const invocations = new Invocations();
    let sends = 0;
    // The first run dies as it is about to send its second message (the first went out and was confirmed).
    invocations.die = (command, _input, phase, run) =>
      run === 0 && phase === 'before' && command === 'SendEmailCommand' && ++sends === 2;
    const statuses: string[] = [];
    const period = periodContaining('daily', DAYS[0] as string);
    const attempt = async () => {
      const deps = processDeps(team, clock, ({ ddb, ses, s3: client }) => {
        for (const c of [ddb, ses, client]) invocations.attach(c);
      });
      try {
        statuses.push(
          (await invocations.run(() => sendTeamReport(deps, team.settings, 'daily', team.id, period))).status,
        );
      } catch (error) {
        if ((error as Error).name !== 'FunctionKilled') throw error;
        statuses.push('killed');
      }
    };
    await attempt();
    // The next hourly tick comes while the dead run's claim is still fresh: busy, nothing sent.
    clock.advance(5 * 60_000);
    await attempt();
    // Once the claim is older than the function timeout, the next tick takes the report over.
    clock.advance(60 * 60_000);
    await attempt();
    await attempt();

    const account = mailAccount(team, await mailCounts(team), 1);
    rows.push({
      ...emptyRow('reports killed between two messages, taken over when stale'),
      mailsLost: account.lost,
      mailsDuplicated: account.duplicated,
      faultsInjected: invocations.kills,
    });

    expect(invocations.kills).toBe(1);
    expect(statuses).toEqual(['killed', 'busy', 'sent', 'alreadySent']);
    expect(account).toEqual({ lost: 0, duplicated: 0, subjects: 1 });
  });
});

describe('mail accounting', () => {
  it('counts a recipient who got nothing, one who got a report twice and a report that never went', () => {
    const team = { recipients: ['a@example.com', 'b@example.com'] };
    const counts = new Map([
      ['day 1|a@example.com', 2],
      ['day 1|b@example.com', 0],
    ]);
    expect(mailAccount(team, counts, 2)).toEqual({ lost: 1 + 2, duplicated: 1, subjects: 1 });
    expect(
      mailAccount(
        team,
        new Map([
          ['day 1|a@example.com', 1],
          ['day 1|b@example.com', 1],
        ]),
        1,
      ),
    ).toEqual({
      lost: 0,
      duplicated: 0,
      subjects: 1,
    });
  });
});
