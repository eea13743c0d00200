import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '#infra/local/stack';

/** Figures of one counter scope, summed over its days. */
export interface Kpis {
  dials: number;
  connects: number;
  reached: number;
  effective: number;
  conversions: number;
  dnc: number;
  complaints: number;
  talkSeconds: number;
}

/** What the demo did, as the stores hold it (never the simulator's own tally): out/summary.json. */
export interface DemoSummary {
  campaign: { id: string; state: string };
  listSize: number;
  list: { rows: number; accepted: number; duplicates: number; rejected: number; reasons: Record<string, number> };
  contactsByState: Record<string, number>;
  attemptsByOutcome: Record<string, number>;
  dispositionsByCode: Record<string, number>;
  /** Attempts that reached a person (an agent was connected), and how many of them carry a disposition. */
  answered: { calls: number; withDisposition: number };
  qa: { sampled: number; scored: number };
  dailyLogs: { submitted: number; missing: number };
  emailsByKind: Record<string, number>;
  ordersByState: Record<string, number>;
  reportsArchived: number;
  kpis: { campaign: Kpis; agents: (Kpis & { agentId: string; teamId: string })[] };
}

const ZERO: Kpis = {
  dials: 0,
  connects: 0,
  reached: 0,
  effective: 0,
  conversions: 0,
  dnc: 0,
  complaints: 0,
  talkSeconds: 0,
};

/** E-mail kinds by subject, as the templates write them. */
const KINDS: [string, RegExp][] = [
  ['reminder', /^【工作日志提醒】/],
  ['plan', /^【工作计划提醒】/],
  ['missingLogs', /^【日志与指标】/],
  ['pilotReview', /Pilot review/],
  ['campaignEvaluation', /Campaign evaluation/],
  ['dailyReport', /Daily report/],
  ['weeklyReport', /Weekly report/],
  ['monthlyReport', /Monthly report/],
  ['orderForm', /^电话营销预订单/],
  ['listLoaded', /^名单已导入/],
  ['listFailed', /^名单导入失败/],
];

/** Reads the end state back from DynamoDB (one Scan of the local table), the SES stand-in's store and S3. */
export async function readSummary(stack: LocalStack, campaignId: string): Promise<DemoSummary> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.client.send(
      new ScanCommand({ TableName: stack.names.main, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);

  const count = (map: Record<string, number>, key: string) => {
    map[key] = (map[key] ?? 0) + 1;
  };
  const summary: DemoSummary = {
    campaign: { id: campaignId, state: 'unknown' },
    listSize: 0,
    list: { rows: 0, accepted: 0, duplicates: 0, rejected: 0, reasons: {} },
    contactsByState: {},
    attemptsByOutcome: {},
    dispositionsByCode: {},
    answered: { calls: 0, withDisposition: 0 },
    qa: { sampled: 0, scored: 0 },
    dailyLogs: { submitted: 0, missing: 0 },
    emailsByKind: {},
    ordersByState: {},
    reportsArchived: 0,
    kpis: { campaign: { ...ZERO }, agents: [] },
  };
  const agentTeams = new Map<string, string>();
  const agentKpis = new Map<string, Kpis>();
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk === `CAMPAIGN#${campaignId}` && sk === 'META') summary.campaign.state = String(item.state);
    else if (pk === `CAMPAIGN#${campaignId}` && sk.startsWith('LIST#')) {
      const s = (item.summary ?? {}) as Partial<DemoSummary['list']>;
      summary.list = {
        rows: Number(s.rows ?? 0),
        accepted: Number(s.accepted ?? 0),
        duplicates: Number(s.duplicates ?? 0),
        rejected: Number(s.rejected ?? 0),
        reasons: (s.reasons ?? {}) as Record<string, number>,
      };
      summary.listSize = summary.list.accepted;
    } else if (pk.startsWith('PHONE#') && sk === `CONTACT#${campaignId}`)
      count(summary.contactsByState, String(item.state));
    else if (pk.startsWith('PHONE#') && sk.startsWith(`CONTACT#${campaignId}#ATTEMPT#`)) {
      const disposition = item.disposition as string | undefined;
      // An agent is named on an attempt only once Connect connected one to the call.
      const reached = typeof item.agentId === 'string' && item.agentId !== '';
      if (reached) {
        summary.answered.calls++;
        if (disposition) summary.answered.withDisposition++;
      }
      count(summary.attemptsByOutcome, disposition ? 'reached' : String(item.outcome ?? 'pending'));
      if (disposition) count(summary.dispositionsByCode, disposition);
    } else if (pk.startsWith('QA#') && sk === 'ITEM') {
      summary.qa.sampled++;
      if (item.state === 'scored') summary.qa.scored++;
    } else if (pk.startsWith('AGENT#') && sk.startsWith('LOG#')) summary.dailyLogs.submitted++;
    else if (pk.startsWith('AGENT#') && sk === 'PROFILE')
      agentTeams.set(pk.slice('AGENT#'.length), String(item.teamId));
    else if (pk.startsWith('ORDER#') && sk === 'ORDER') count(summary.ordersByState, String(item.state));
    else if (pk === `COUNTER#CAMPAIGN#${campaignId}` && sk.startsWith('DAY#')) add(summary.kpis.campaign, item);
    else if (pk.startsWith('COUNTER#AGENT#') && sk.startsWith('DAY#')) {
      const id = pk.slice('COUNTER#AGENT#'.length);
      const k = agentKpis.get(id) ?? { ...ZERO };
      add(k, item);
      agentKpis.set(id, k);
    }
  }
  summary.kpis.agents = [...agentKpis]
    .map(([agentId, k]) => ({ agentId, teamId: agentTeams.get(agentId) ?? '-', ...k }))
    .sort((a, b) => a.teamId.localeCompare(b.teamId) || a.agentId.localeCompare(b.agentId));

  for (const email of await stack.ses.emails()) {
    const kind = KINDS.find(([, re]) => re.test(email.subject))?.[0] ?? 'other';
    summary.emailsByKind[kind] = (summary.emailsByKind[kind] ?? 0) + 1;
  }
  // Missing logs: what the leads' digests listed, i.e. agent-days without a log on the team's working days.
  summary.dailyLogs.missing = await missingLogs(stack, items);
  const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.reportsBucket }));
  summary.reportsArchived = listed.KeyCount ?? 0;
  return summary;
}

function add(k: Kpis, item: Record<string, unknown>): void {
  for (const key of Object.keys(ZERO) as (keyof Kpis)[]) {
    const v = item[key];
    if (typeof v === 'number') k[key] += v;
  }
}

/** Agent-days (working days that had calls) without a log item. */
async function missingLogs(_stack: LocalStack, items: Record<string, unknown>[]): Promise<number> {
  const logs = new Set<string>();
  const worked = new Set<string>();
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk.startsWith('AGENT#') && sk.startsWith('LOG#')) logs.add(`${pk.slice(6)}#${sk.slice(4)}`);
    if (pk.startsWith('COUNTER#AGENT#') && sk.startsWith('DAY#')) {
      const day = sk.split('#')[1] ?? '';
      worked.add(`${pk.slice('COUNTER#AGENT#'.length)}#${day}`);
    }
  }
  let missing = 0;
  for (const key of worked) if (!logs.has(key)) missing++;
  return missing;
}
