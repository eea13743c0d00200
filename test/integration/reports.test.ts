import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { S3_LOCAL_CREDENTIALS } from '#infra/local/s3-local';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { campaignListTotalsKey, counterKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { SesReportMailer } from '#shared/adapters/ses/report-mailer';
import { agentSchema, teamSchema } from '#shared/domain/agents/agent';
import { periodContaining } from '#shared/domain/reports/period';
import { reportSettingsSchema } from '#shared/domain/reports/recipients';
import { objectStoreArchive } from '#shared/use-cases/reports/archive';
import { type ReportDeps, sendEvaluation, sendTeamReport } from '#shared/use-cases/reports/send-reports';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { useTestTables } from '#test/integration/helpers/tables';

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments?: { filename: string; contentType: string; content: string }[];
}

const tables = useTestTables('reports');
const RUN = Math.random().toString(36).slice(2, 8);
const TEAM = `t-${RUN}`;
const LEAD = `lead-${RUN}@example.com`;
const DAY = '2026-03-09';
const BUCKET = `reports-${RUN}`;
let deps: ReportDeps;
let s3: S3Client;
let repository: DynamoDbCampaignRepository;

async function mailTo(address: string): Promise<StoredMail[]> {
  const response = await fetch(`${inject('sesEndpoint')}/store`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  return emails.filter((e) => e.destination.to.includes(address));
}

async function addCounter(
  scope: 'CAMPAIGN' | 'AGENT' | 'TEAM',
  id: string,
  day: string,
  values: Record<string, number>,
  shard = 0,
) {
  const names = Object.keys(values);
  await tables.client.send(
    new UpdateCommand({
      TableName: tables.names.main,
      Key: counterKey(scope, id, day, shard),
      UpdateExpression: `ADD ${names.map((_, i) => `#f${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
    }),
  );
}

beforeAll(async () => {
  const tableName = tables.names.main;
  const client = tables.client;
  s3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const store = new DynamoDbReportStore({ client, tableName });
  const agents = new DynamoDbAgentStore({ client, tableName });
  repository = new DynamoDbCampaignRepository({ client, tableName });
  const clock = new ManualClock('2026-03-10T00:30:00Z');
  deps = {
    reads: store,
    markers: store,
    agents,
    campaigns: repository,
    clock,
    mailer: new SesReportMailer({
      client: new SESv2Client({
        endpoint: inject('sesEndpoint'),
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      from: 'outcall@example.com',
    }),
    archive: objectStoreArchive(new S3ObjectStore(s3), BUCKET, 'us-east-1'),
    managerEmails: [`boss-${RUN}@example.com`],
    campaignUseCases: { repository, events: new InMemoryEventPublisher(), clock },
  };
  await agents.putTeam(
    teamSchema.parse({
      id: TEAM,
      name: '上海一组',
      leadEmails: [LEAD],
      timeZone: 'Asia/Shanghai',
      updatedAt: 'x',
      updatedBy: 'x',
    }),
  );
  await agents.putAgent(
    agentSchema.parse({ id: `a1-${RUN}`, name: '张伟', teamId: TEAM, startDate: '2025-01-01', updatedAt: 'x' }),
  );
  await repository.create(storedCampaign(`c-rep${RUN}aaaa`, { state: 'active', teamIds: [TEAM], name: '鲜奶到家' }));
  await addCounter('AGENT', `a1-${RUN}`, DAY, { dials: 120, effective: 40, conversions: 4, orderAmount: 1000 });
  await addCounter('CAMPAIGN', `c-rep${RUN}aaaa`, DAY, { dials: 100, connects: 40, firstDials: 90 }, 0);
  await addCounter('CAMPAIGN', `c-rep${RUN}aaaa`, DAY, { dials: 20, connects: 5, firstDials: 10 }, 1);
  await addCounter('CAMPAIGN', `c-rep${RUN}aaaa`, '2026-03-10', { dials: 999 }); // outside the period
  await addCounter('TEAM', TEAM, DAY, { dials: 120, effective: 40 });
  await tables.client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: campaignListTotalsKey(`c-rep${RUN}aaaa`),
      UpdateExpression: 'ADD accepted :n',
      ExpressionAttributeValues: { ':n': 1000 },
    }),
  );
});

describe('a team report through DynamoDB Local, s3rver and the SES stand-in', () => {
  it('arrives once, to lead and manager, with CSV and XLSX tables that parse and match the counters', async () => {
    const settings = reportSettingsSchema.parse({});
    const first = await sendTeamReport(deps, settings, 'daily', TEAM, periodContaining('daily', DAY));
    const second = await sendTeamReport(deps, settings, 'daily', TEAM, periodContaining('daily', DAY));
    expect(first.status).toBe('sent');
    expect(second.status).toBe('alreadySent');

    const mails = await mailTo(LEAD);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.destination.to.sort()).toEqual([`boss-${RUN}@example.com`, LEAD].sort());
    expect(mail?.subject).toBe('[outcall] 日报 Daily report · 上海一组 · 2026-03-09');
    expect(mail?.body.html).toContain('鲜奶到家');

    const files = new Map((mail?.attachments ?? []).map((a) => [a.filename, Buffer.from(a.content, 'base64')]));
    const campaignsCsv = files.get(`daily-${TEAM}-2026-03-09-campaigns.csv`);
    expect(campaignsCsv).toBeDefined();
    const rows = parse(campaignsCsv?.toString('utf8') ?? '', { bom: true }) as string[][];
    const header = rows[0] ?? [];
    const periodRow = rows[1] ?? [];
    expect(periodRow[header.indexOf('拨打 dials')]).toBe('120'); // two shards of the day, not the next day
    expect(periodRow[header.indexOf('已拨客户 attempted')]).toBe('100');
    expect(periodRow[header.indexOf('渗透率 penetration')]).toBe('0.1');

    const xlsx = files.get(`daily-${TEAM}-2026-03-09.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const agents = workbook.worksheets.find((w) => w.name.startsWith('坐席'));
    if (!agents) throw new Error('the XLSX has no agents sheet');
    expect(agents.getRow(2).getCell(1).value).toBe('张伟');
    expect(agents.getRow(2).getCell(3).value).toBe(40); // effective calls, a number
    const commissionCol = (agents.getRow(1).values as unknown[]).indexOf('提成 commission');
    expect(agents.getRow(2).getCell(commissionCol).value).toBe(10);

    const archived = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `reports/daily/team-${TEAM}/2026-03-09.html` }),
    );
    expect(await archived.Body?.transformToString()).toContain('<meta charset="utf-8">');
    expect(mail?.body.html).toContain(encodeURIComponent(`reports/daily/team-${TEAM}/2026-03-09.html`));
  });

  it('sends the evaluation to the requesting department and moves the campaign to evaluated', async () => {
    const id = `c-rep${RUN}bbbb`;
    const dept = `dept-${RUN}@example.com`;
    await repository.create(
      storedCampaign(id, { state: 'completed', requestingDepartment: { name: '客户服务部', email: dept } }),
    );
    const result = await sendEvaluation(deps, reportSettingsSchema.parse({}), id);
    expect(result).toMatchObject({ status: 'sent', evaluated: true });
    const mails = await mailTo(dept);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('项目评估报告 Campaign evaluation');
    expect((await repository.get(id))?.state).toBe('evaluated');
    // The tick finding it again later sends nothing more.
    await expect(sendEvaluation(deps, reportSettingsSchema.parse({}), id)).resolves.toMatchObject({
      status: 'alreadySent',
    });
    expect(await mailTo(dept)).toHaveLength(1);
  });
});
