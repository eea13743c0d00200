import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import type { SimAgent } from '#infra/local/connect-sim/floor';
import { type LocalStack, type LocalStackOptions, localTime, startLocalStack, TEAM_ZONE } from '#infra/local/stack';
import { type DemoSummary, readSummary } from '#infra/local/summary';
import {
  DEFAULT_SCORECARD_ID,
  DEFAULT_SCORECARD_SPEC,
  scorecardItems,
  scorecardSpecSchema,
} from '#shared/domain/qa/scorecard';
import { claimItem, listQueue, submitEvaluation } from '#shared/use-cases/qa/evaluations';

/**
 * The demo `npm start` runs: a planner creates the example campaign over the HTTP API, a roster of simulated agents
 * in two teams is synced from the simulated Connect instance, the example list is dropped into the upload bucket and
 * ingested, the pilot runs and is reviewed, the campaign launches and runs for several simulated working days
 * (retries, callbacks, QA sampling and scoring, daily-log reminders, reports, orders with deliveries and returns),
 * then completes and is evaluated. Everything it reports at the end is read back from the stores.
 */

export interface ScenarioOptions {
  /** Simulated working days after the launch day. Default 3 in total. */
  days?: number;
  /** Dials per minute the planner sets (matched to the floor). Default 8. */
  dialsPerMinute?: number;
  /** Simulated minutes per firing of the per-minute schedules (see LocalStackOptions.tickMinutes). Default 10. */
  tickMinutes?: number;
  /** Where out/summary.json and out/reports/ go. Default `<repo>/out`. */
  outDir?: string;
  /** The call list. Default examples/list.csv. */
  listFile?: string;
  campaignFile?: string;
  seed?: number;
  /** Progress lines; default console.log. */
  print?: (line: string) => void;
  /** Rewrites the day's status line in place every simulated hour. Default: when stdout is a terminal. */
  live?: boolean;
  /** Passed to the stack (e.g. a fixed API port). */
  stack?: Partial<LocalStackOptions>;
  /** Keep the stack running at the end (serve mode); the caller stops it. */
  keep?: boolean;
}

export interface ScenarioResult {
  summary: DemoSummary;
  campaignId: string;
  stack: LocalStack;
  /** The simulator's own tally, to compare with what the stores say. */
  simulated: LocalStack['floor']['tally'];
  /** Messages in the SES stand-in's inbox. */
  inboxUrl: string;
  wallSeconds: number;
  /** Simulated minutes the scheduler fired. */
  minutesRun: number;
}

const ROOT = new URL('../../', import.meta.url);
// Monday 15 March 2027, 08:30 in Shanghai: the 15th is a plan day (工作计划 for the second half of the month).
const START = new Date('2027-03-15T00:30:00.000Z');
const PLANNER = { 'x-outcall-user': 'planner.wang', 'x-outcall-roles': 'planner' };

/** The simulated floor: 8 agents in two teams. Ids are Connect user ids (UUIDs). */
export function demoAgents(): SimAgent[] {
  const people = ['王芳', '李强', '张敏', '刘洋', '陈静', '杨磊', '赵丽', '周杰'];
  return people.map((name, i) => {
    const team = i < 4 ? { id: 'team-east', name: '东区电销组' } : { id: 'team-west', name: '西区电销组' };
    return {
      id: `a9e1${String(i).padStart(4, '0')}-0000-4000-8000-00000000000${i}`,
      name,
      email: `agent${i + 1}@example.com`,
      team,
    };
  });
}

export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const print = options.print ?? ((line: string) => console.log(line));
  const outDir = options.outDir ?? new URL('out/', ROOT).pathname;
  const days = options.days ?? 3;
  const agents = demoAgents();
  print('outcall: starting DynamoDB Local, S3, SES and the Amazon Connect simulator…');
  const stack = await startLocalStack({
    start: START,
    agents,
    floor: { seed: options.seed ?? 7 },
    tickMinutes: options.tickMinutes ?? 10,
    managerEmails: ['manager@example.com'],
    ...options.stack,
  });
  let minutesRun = 0;
  try {
    const api = apiClient(stack.api.url);
    print(`outcall: API ${stack.api.url} · SES inbox ${stack.ses.endpoint} · S3 ${stack.s3Local.endpoint}`);

    // 1. Roster (Connect users → agents and teams), team settings, the campaign.
    await stack.syncRoster();
    for (const team of ['team-east', 'team-west']) {
      await api('PUT', `/teams/${team}`, PLANNER, {
        name: team === 'team-east' ? '东区电销组' : '西区电销组',
        timeZone: TEAM_ZONE,
        leadEmails: [`lead.${team}@example.com`],
        shiftEnd: '18:00',
        workingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
      });
    }
    const spec = parseYaml(readFileSync(options.campaignFile ?? new URL('examples/campaign.yaml', ROOT), 'utf8'));
    const created = (await api('POST', '/campaigns', PLANNER, spec)) as { id: string; name: string };
    const campaignId = created.id;
    await api('PATCH', `/campaigns/${campaignId}`, PLANNER, {
      pacing: { dialsPerMinute: options.dialsPerMinute ?? 6 },
      teamIds: ['team-east', 'team-west'],
    });
    print(`outcall: campaign ${campaignId} "${created.name}" created; ${agents.length} agents in 2 teams`);

    // 2. The list, through the bucket and the intake queue.
    const listFile = options.listFile ?? new URL('examples/list.csv', ROOT).pathname;
    await stack.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: `lists/${campaignId}/客户名单-2027-03.csv`,
        Body: readFileSync(listFile),
        ContentType: 'text/csv',
      }),
    );
    await stack.deliverIntake();
    const intake = await readSummary(stack, campaignId);
    print(
      `outcall: list ingested: ${intake.list.rows} rows → ${intake.list.accepted} contacts, ` +
        `${intake.list.duplicates} duplicates, ${intake.list.rejected} rejected ${JSON.stringify(intake.list.reasons)}`,
    );

    // 3. Pilot, review, launch.
    await api('POST', `/campaigns/${campaignId}/transitions`, PLANNER, { action: 'startPilot', reason: 'demo pilot' });
    const pilotSize = (spec as { pilot?: { size?: number } }).pilot?.size ?? 200;
    while (true) {
      const minute = await stack.runMinute();
      minutesRun += stack.tickMinutes;
      stack.clock.advanceMinutes(stack.tickMinutes);
      if (minute.dialed === 0 && stack.floor.tally.dials >= pilotSize && stack.floor.inFlight === 0) break;
      if (minutesRun > 600) throw new Error('the pilot did not finish within 10 simulated hours');
    }
    await stack.settle();
    await api('POST', `/campaigns/${campaignId}/transitions`, PLANNER, {
      action: 'endPilot',
      reason: 'pilot batch done',
    });
    await stack.settle();
    await api('POST', `/campaigns/${campaignId}/transitions`, PLANNER, {
      action: 'launch',
      reason: 'pilot reviewed: script kept, pacing matched to the floor',
    });
    print(`outcall: pilot of ${pilotSize} done at ${shanghai(stack.clock.now())}; review sent; launched`);

    // 4. Working days.
    const startDay = localTime(START, TEAM_ZONE).day;
    const endAt = new Date(Date.parse(`${addDays(startDay, days - 1)}T21:00:00+08:00`));
    const live = options.live ?? (options.print === undefined && process.stdout.isTTY === true);
    const world = new SimulatedPeople(stack, api, agents, options.seed ?? 7);
    let day = startDay;
    while (stack.clock.now() < endAt) {
      const now = stack.clock.now();
      const local = localTime(now, TEAM_ZONE);
      if (local.day !== day) {
        if (live) process.stdout.write('\r\x1b[2K');
        print(await dayLine(stack, campaignId, day));
        day = local.day;
      } else if (live && local.minute < stack.tickMinutes && local.hour >= 8 && local.hour <= 21) {
        process.stdout.write(`\r\x1b[2K${await dayLine(stack, campaignId, day)}`);
      }
      await world.act(local);
      await stack.runMinute();
      await world.afterTick(local);
      // Nights (nothing can dial, nothing is in flight) fast-forward in half-hour steps; the night's schedules (QA
      // sampler at 01:30, hourly reports) fall on them.
      const night = (local.hour < 8 || local.hour >= 21) && stack.floor.inFlight === 0;
      const tick = stack.tickMinutes;
      const step = night ? Math.max(tick, 30 - (local.minute % 30)) : tick - (local.minute % tick);
      minutesRun += step;
      stack.clock.advanceMinutes(step);
    }
    await stack.settle();
    if (live) process.stdout.write('\r\x1b[2K');
    print(await dayLine(stack, campaignId, day));

    // 5. Completion and the evaluation report (the rule on CampaignTransitioned sends it and marks it evaluated).
    await api('POST', `/campaigns/${campaignId}/transitions`, PLANNER, { action: 'complete', reason: 'demo ends' });
    await stack.settle();

    const summary = await readSummary(stack, campaignId);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    // Reports of an earlier run would read as this one's.
    rmSync(join(outDir, 'reports'), { recursive: true, force: true });
    const saved = await saveReports(stack, join(outDir, 'reports'));
    for (const line of kpiTables(summary)) print(line);
    print(
      `outcall: ${saved} rendered reports in ${join(outDir, 'reports')}; summary in ${join(outDir, 'summary.json')}`,
    );
    print(`outcall: e-mails: ${stack.ses.endpoint} (web inbox), ${stack.ses.endpoint}/store (JSON)`);
    if (stack.failures.length > 0) {
      print(`outcall: ${stack.failures.length} background failure(s): ${JSON.stringify(stack.failures.slice(0, 5))}`);
    }
    return {
      summary,
      campaignId,
      stack,
      simulated: stack.floor.tally,
      inboxUrl: stack.ses.endpoint,
      wallSeconds: (performance.now() - started) / 1000,
      minutesRun,
    };
  } finally {
    if (!options.keep) await stack.stop();
  }
}

type Api = (method: string, path: string, headers: Record<string, string>, body?: unknown) => Promise<unknown>;

function apiClient(url: string): Api {
  return async (method, path, headers, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return text === '' ? undefined : JSON.parse(text);
  };
}

/**
 * The people around the system: agents writing their daily logs (most after the reminder, some not at all), a QA
 * evaluator scoring part of each day's queue, and the store packing, delivering and taking back orders.
 */
class SimulatedPeople {
  readonly #stack: LocalStack;
  readonly #api: Api;
  readonly #agents: SimAgent[];
  readonly #random: () => number;
  readonly #orders = new Map<string, { placedAt: number; step: number }>();

  constructor(stack: LocalStack, api: Api, agents: SimAgent[], seed: number) {
    this.#stack = stack;
    this.#api = api;
    this.#agents = agents;
    let a = seed >>> 0;
    this.#random = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  async act(local: { hour: number; minute: number; day: string }): Promise<void> {
    if (local.hour === 10 && local.minute < 5 && !this.#scored.has(local.day)) {
      this.#scored.add(local.day);
      await this.#score(addDays(local.day, -1));
    }
    await this.#store(local);
  }

  /** What people do after the tick's schedules ran (the reminders of 17:50 are out by then). */
  async afterTick(local: { hour: number; minute: number; day: string }): Promise<void> {
    // After the 17:50 reminder, most agents send the log; a quarter forget (the lead's list at 18:30 names them).
    if (local.hour === 17 && local.minute >= 50 && !this.#logged.has(local.day)) {
      this.#logged.add(local.day);
      const dayIndex = Number(local.day.slice(-2));
      for (const [i, agent] of this.#agents.entries()) {
        // Two agents a day forget, a different two each day.
        if ((i + dayIndex) % 4 === 0) continue;
        await this.#api(
          'PUT',
          `/agents/${agent.id}/logs/${local.day}`,
          { 'x-outcall-user': agent.id, 'x-outcall-roles': 'agent' },
          {
            summary: '今日外呼完成，客户反馈良好。',
            problems: '部分客户白天不方便接听。',
            tomorrowPlan: '跟进意向客户。',
          },
        );
        // On the 15th the plan for the second half of the month is due as well.
        if (local.day.endsWith('-15')) {
          await this.#api(
            'PUT',
            `/agents/${agent.id}/plans/${addDays(local.day, 1)}`,
            { 'x-outcall-user': agent.id, 'x-outcall-roles': 'agent' },
            { plan: '下半月：每天50通有效电话，重点跟进意向客户与回访。' },
          );
        }
      }
    }
  }

  readonly #logged = new Set<string>();
  readonly #scored = new Set<string>();

  /** The QA evaluator works through 60% of yesterday's queue. */
  async #score(day: string): Promise<void> {
    const qa = this.#stack.qa;
    const actor = { id: 'qa.zhao', roles: ['qa'] };
    const items = scorecardItems(scorecardSpecSchema.parse(DEFAULT_SCORECARD_SPEC)).map((i) => i.item);
    for (const teamId of ['team-east', 'team-west']) {
      const page = await listQueue(qa, actor, { day, teamId, state: 'queued', limit: 200 });
      for (const item of page.items) {
        if (this.#random() > 0.6) continue;
        await claimItem(qa, actor, item.attemptRef);
        await submitEvaluation(qa, actor, item.attemptRef, {
          scorecardId: DEFAULT_SCORECARD_ID,
          scorecardVersion: 1,
          answers: items.map((i) => ({
            itemId: i.id,
            value: i.critical ? i.maxPoints : Math.max(0, i.maxPoints - (this.#random() < 0.3 ? 1 : 0)),
          })),
          comment: '抽检：流程规范',
        });
      }
    }
  }

  /** The store: packs and dispatches an order within the hour, delivers or takes it back within four. */
  async #store(local: { hour: number; minute: number }): Promise<void> {
    const now = this.#stack.clock.now().getTime();
    for (const id of this.#stack.placedOrders) {
      if (!this.#orders.has(id)) this.#orders.set(id, { placedAt: now, step: 0 });
    }
    if (local.hour < 8 || local.hour >= 21) return;
    const store = { 'x-outcall-user': 'store.pudong', 'x-outcall-roles': 'fulfilment' };
    for (const [orderId, order] of this.#orders) {
      const hours = (now - order.placedAt) / 3_600_000;
      const next =
        order.step === 0 && hours >= 0.5
          ? { status: 'packed' }
          : order.step === 1 && hours >= 1
            ? { status: 'outForDelivery', courierId: courierOf(orderId) }
            : order.step === 2 && hours >= 3
              ? this.#random() < 0.85
                ? { status: 'delivered', courierId: courierOf(orderId) }
                : {
                    status: 'returned',
                    courierId: courierOf(orderId),
                    reason: this.#random() < 0.5 ? 'refused' : 'notHome',
                    note: '客户拒收',
                  }
              : undefined;
      if (!next) continue;
      await this.#api('POST', `/orders/${orderId}/updates`, store, next);
      order.step++;
    }
  }
}

async function dayLine(stack: LocalStack, campaignId: string, day: string): Promise<string> {
  const c = await dayCounters(stack, campaignId, day);
  return (
    `  ${day}  dialed ${pad(c.dials)}  connected ${pad(c.connects)}  effective ${pad(c.effective)}  ` +
    `converted ${pad(c.conversions)}  (simulated clock ${shanghai(stack.clock.now())})`
  );
}

async function dayCounters(stack: LocalStack, campaignId: string, day: string): Promise<Record<string, number>> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const out = await stack.client.send(
    new QueryCommand({
      TableName: stack.names.main,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `COUNTER#CAMPAIGN#${campaignId}`, ':sk': `DAY#${day}#` },
    }),
  );
  const sum: Record<string, number> = {};
  for (const item of out.Items ?? []) {
    for (const [k, v] of Object.entries(item)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}

/** Copies the archived report pages from the reports bucket to `dir`. */
async function saveReports(stack: LocalStack, dir: string): Promise<number> {
  const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.reportsBucket }));
  let n = 0;
  for (const object of listed.Contents ?? []) {
    if (!object.Key) continue;
    const got = await stack.s3.send(new GetObjectCommand({ Bucket: stack.reportsBucket, Key: object.Key }));
    const path = join(dir, object.Key.replace(/^reports\//, ''));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    n++;
  }
  return n;
}

function kpiTables(summary: DemoSummary): string[] {
  const lines = ['', 'KPIs per campaign', ''];
  const row = (cells: (string | number)[], widths: number[]) =>
    cells.map((c, i) => String(c).padStart(widths[i] ?? 8)).join('  ');
  const widths = [24, 7, 9, 9, 9, 9, 8, 10];
  const header = ['', 'dials', 'connects', 'reached', 'effective', 'converted', 'DNC', 'talk min'];
  lines.push(row(header, widths));
  const k = summary.kpis.campaign;
  lines.push(
    row(
      [
        summary.campaign.id,
        k.dials,
        k.connects,
        k.reached,
        k.effective,
        k.conversions,
        k.dnc,
        Math.round(k.talkSeconds / 60),
      ],
      widths,
    ),
  );
  lines.push('', 'KPIs per agent', '', row(['agent (team)', ...header.slice(1)], widths));
  for (const a of summary.kpis.agents) {
    lines.push(
      row(
        [
          `${a.agentId.slice(0, 8)} (${a.teamId})`,
          a.dials,
          a.connects,
          a.reached,
          a.effective,
          a.conversions,
          a.dnc,
          Math.round(a.talkSeconds / 60),
        ],
        widths,
      ),
    );
  }
  lines.push('', `contacts by state  ${JSON.stringify(summary.contactsByState)}`);
  lines.push(`attempts by outcome ${JSON.stringify(summary.attemptsByOutcome)}`);
  lines.push(`QA ${JSON.stringify(summary.qa)} · daily logs ${JSON.stringify(summary.dailyLogs)}`);
  lines.push(`orders ${JSON.stringify(summary.ordersByState)} · e-mails ${JSON.stringify(summary.emailsByKind)}`, '');
  return lines;
}

const courierOf = (orderId: string) => `courier-${1 + (orderId.charCodeAt(orderId.length - 1) % 3)}`;

const pad = (n: number | undefined) => String(n ?? 0).padStart(4);

function shanghai(at: Date): string {
  const t = localTime(at, TEAM_ZONE);
  return `${t.day} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} Asia/Shanghai`;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
