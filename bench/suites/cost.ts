/**
 * AWS cost (telephony excluded) of taking 1,000 contacts through intake, 1.5 attempts each on average, their outcomes
 * and the reports, priced with bench/prices.json.
 *
 * DynamoDB request units are **counted** on DynamoDB Local by bench/lib/ddb-capacity.ts (writes from each item's
 * images before and after, by AWS's billing rules, because Local's figures for transactions are wrong; reads as Local
 * reports them), running the real code:
 * - intake: a 2,000-row planner-style list (duplicates, junk, landlines) through `ingestList` → units per accepted
 *   contact (status reads, contact + claim writes, checkpoints, release to the due index, list item);
 * - dialing: one dispatcher tick placing 1,000 of those contacts through the Connect simulator → units per dial
 *   (due Queries, contact + STATUS reads, the marks, the dial batch records, rate-limit permits, figures);
 * - outcomes: every outcome scenario (test/unit/outcomes/scenarios.ts) replayed through the real recorder → units per
 *   attempt, with Connect-sized contact ids and the contact as the measured tick left it (sizes decide write units);
 *   seeding, the dispatcher's marking (counted under dialing) and the replay's read-back are not counted. The
 *   scenarios' mix (a third of attempts reach an agent) is the mix priced here; each scenario starts a new recorder,
 *   so the campaign is read once per scenario where a warm Lambda reads it once a minute (≈ 0.8 RRU per attempt
 *   too many, kept: it errs high). The counters aggregator (the table's stream → counter items) is run by the real code
 *   on those attempts' stream records, dealt out to a modelled campaign (agents, pace, shards, window: `MODEL`).
 * Lambda is **modelled from measurement**: the inputs per attempt are counted from the same scenarios, an input's
 * duration from the CPU the replay spent per input and its counted DynamoDB requests (bench/lib/lambda-cost.ts), at
 * the memory infra/ deploys. EventBridge, Kinesis, S3, SQS, SES and KMS are **modelled** from the invocations each
 * contact causes (constants below, each with its reason).
 * Keys: cost.usdPer1kContacts (goal ≤ 0.01), one cost.usdPer1kContacts.<service> per part, and the units per step.
 */
// First: the test worlds drain the stream through the counters handler, whose metrics would print on every drain.
import '../lib/quiet-metrics.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/function-memory';
import { startConnectSim } from '#infra/local/connect-sim/server';
import { LocalStreamPoller } from '#infra/local/counter-stream';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { counterStreamRecords } from '#shared/adapters/dynamodb/attempt-stream';
import { DynamoDbCounterLedger } from '#shared/adapters/dynamodb/counter-ledger';
import { contactKey } from '#shared/adapters/dynamodb/keys';
import { MAIN_TABLE } from '#shared/adapters/dynamodb/table-schema';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { CounterStreamRecord } from '#shared/domain/outcomes/counter-stream';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { reconcileCampaign } from '#shared/use-cases/dialing/reconcile';
import { applyCounterStream } from '#shared/use-cases/outcomes/apply-counter-stream';
import { localDialing } from '#test/integration/helpers/dialing-deps';
import { dynamoWorld } from '#test/integration/helpers/outcome-world';
import { replay } from '#test/unit/outcomes/replay';
import { CAMPAIGN_ID, PHONE_KEY, SCENARIOS, type Scenario } from '#test/unit/outcomes/scenarios';
import { allDayBenchCampaign } from '../lib/campaigns.ts';
import { type CapacityMeter, itemSize, meterCapacity } from '../lib/ddb-capacity.ts';
import { ensureList } from '../lib/generate-list.ts';
import { ingestFileForBench } from '../lib/intake-run.ts';
import { gbSeconds } from '../lib/lambda-cost.ts';
import { costUsd, loadPrices } from '../lib/prices.ts';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

export const goals: Goals = { 'cost.usdPer1kContacts': { max: 0.01 } };

const CONTACTS = 1_000;
const ATTEMPTS_PER_CONTACT = 1.5;
const INTAKE_ROWS = 2_000;
const DIALS = 1_000;

// Lambda (arm64), billed per started millisecond at the memory infra/ gives each function (FUNCTION_MEMORY_MB),
// INIT included. An outcome input's duration is modelled from measured work (bench/lib/lambda-cost.ts): the CPU the
// replay below spends per input in this process (parsing, the recorder, the SDK's serialisation; measured on this
// machine's x86 cores, taken as equal to a Graviton vCPU), stretched by the function's share of a vCPU, plus its
// DynamoDB requests, counted, each waited for in turn at an assumed in-Region round trip:
const DYNAMODB_ROUND_TRIP_MS = 8;
// Contact records arrive in Kinesis batches (up to 100, 1 s window; infra/constructs/outcomes.ts); at a campaign's
// pace (≥ 1 dial/s) a batch holds several records, which Powertools' BatchProcessor records concurrently: 10 a
// batch, its CPU added up, its waiting that of one record.
const CTR_RECORDS_PER_BATCH = 10;
// Cold starts (INIT billed): a bundle imports in 250–350 ms on one vCPU here (`npm run bench -- lambda`); each of the
// five outcome functions is assumed to start a container every 15 minutes of dialing, and 1,500 attempts at 60 dials
// a minute take 25 minutes: two cold starts each.
const INIT_CPU_MS = 350;
const COLD_STARTS_PER_OUTCOME_FUNCTION = 2;
// Dispatcher: one run a minute per campaign, ≈ 0.5 s for a full tick; at the default pacing of 60 dials a minute,
// 1,500 dials take 25 runs.
const DISPATCHER_SECONDS_PER_RUN = 0.5;
const DIALS_PER_RUN = 60;
// Intake: one invocation per list, ≈ 2 s per 1,000 rows.
const INTAKE_SECONDS_PER_1K = 2;
// EventBridge: Connect's contact events on the default bus are free (AWS service events); outcall's own
// (OrderPlaced, CampaignTransitioned, ListLoaded) are a handful per 1,000 contacts.
const CUSTOM_EVENTS_PER_1K = 5;
// Kinesis on demand: ~3 KB a contact record version (each record rounded up to 1 KB); the stream-hour charge is per
// deployment, not per contact.
const KINESIS_KB_PER_RECORD = 3;
// S3: the upload read, the rejects file and one report archive a day per campaign, per 1,000 contacts.
const S3_PUTS_PER_1K = 3;
const S3_GETS_PER_1K = 2;
// SQS: one intake message per chunk plus its delete.
const SQS_REQUESTS_PER_1K = 3;
// SES: a daily team report and the campaign evaluation.
const EMAILS_PER_1K = 2;
// KMS: data keys are cached (DynamoDB table key, S3 bucket key, SQS 5-minute reuse): a few requests per 1,000.
const KMS_REQUESTS_PER_1K = 10;
// Reports read counter items only (campaign, teams, agents × days, docs/data-model.md #17): a day's reports of one
// campaign with two teams of eight agents read about 20 items, whatever the number of calls.
const REPORT_READ_UNITS_PER_1K = 20;

interface Units {
  wru: number;
  rru: number;
}

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const prices = await loadPrices();
  process.env.AWS_REGION ??= 'us-east-1';
  const dynamo = await startDynamoDbLocal();
  const sim = await startConnectSim();
  try {
    const config = {
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const documentClient = (base: DynamoDBClient) =>
      DynamoDBDocumentClient.from(base, {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      });
    const base = new DynamoDBClient(config);
    const images = new DynamoDBClient(config);
    const client = documentClient(base);
    const names = { main: 'bench-cost-main', idempotency: 'bench-cost-idem', outcomes: 'bench-cost-outcomes' };
    await createTables(client, { main: names.main, idempotency: names.idempotency });
    // Only the outcomes table needs the stream (its counters are applied from it): it slows DynamoDB Local's writes.
    await createTables(client, { main: names.outcomes, idempotency: `${names.idempotency}-2` }, { streams: true });
    const meter = meterCapacity(
      client,
      documentClient(images),
      { [names.main]: MAIN_TABLE, [names.outcomes]: MAIN_TABLE },
      itemKind,
    );

    const campaign = costCampaign('c-benchcost0001');
    const intake = await measureIntake(ctx, client, meter, names.main, campaign);
    const dial = await measureDialing(ctx, client, meter, names.main, campaign, sim);
    const outcome = await measureOutcomes(
      ctx,
      client,
      meter,
      names.outcomes,
      await dialedContact(client, names.main),
      dynamo.endpoint,
    );
    const reconciler = await dial.reconcile();
    base.destroy();
    images.destroy();

    const attempts = CONTACTS * ATTEMPTS_PER_CONTACT;
    const inputs = scenarioInputs();
    const outcomeInvocations = attempts * (inputs.events + inputs.callStarts + inputs.dispositions);
    const ctrBatches = (attempts * inputs.records) / CTR_RECORDS_PER_BATCH;
    const dispatcherRuns = attempts / DIALS_PER_RUN;
    const counterBatches = attempts * outcome.counterBatches;
    const lambdaRequests = outcomeInvocations + ctrBatches + counterBatches + dispatcherRuns + 1;
    const input = { cpuMs: outcome.cpuMsPerInput, waitMs: outcome.requestsPerInput * DYNAMODB_ROUND_TRIP_MS };
    const streams = FUNCTION_MEMORY_MB.outcomeStreams;
    const flows = FUNCTION_MEMORY_MB.outcomeFlows;
    const lambdaParts = {
      events: gbSeconds(attempts * inputs.events, input, streams),
      flows: gbSeconds(attempts * (inputs.callStarts + inputs.dispositions), input, flows),
      records: gbSeconds(ctrBatches, { cpuMs: input.cpuMs * CTR_RECORDS_PER_BATCH, waitMs: input.waitMs }, streams),
      counters: gbSeconds(counterBatches, { cpuMs: COUNTER_BATCH_CPU_MS, waitMs: 2 * DYNAMODB_ROUND_TRIP_MS }, streams),
      coldStarts:
        COLD_STARTS_PER_OUTCOME_FUNCTION *
        (3 * gbSeconds(1, { cpuMs: INIT_CPU_MS, waitMs: 0 }, streams) +
          2 * gbSeconds(1, { cpuMs: INIT_CPU_MS, waitMs: 0 }, flows)),
      dispatcher: dispatcherRuns * DISPATCHER_SECONDS_PER_RUN * (FUNCTION_MEMORY_MB.dispatcher / 1024),
      intake: (INTAKE_SECONDS_PER_1K * (FUNCTION_MEMORY_MB.intake / 1024) * CONTACTS) / 1_000,
    };
    const lambdaGbSeconds = Object.values(lambdaParts).reduce((a, b) => a + b, 0);

    const wru = {
      intake: CONTACTS * intake.wru,
      dialing: attempts * (dial.wru + reconciler.wru),
      outcomes: attempts * outcome.wru,
    };
    const rru = {
      intake: CONTACTS * intake.rru,
      dialing: attempts * (dial.rru + reconciler.rru),
      outcomes: attempts * outcome.rru,
      reports: REPORT_READ_UNITS_PER_1K,
    };
    const ddbPart = (w: number, r: number) =>
      costUsd(prices, 'dynamodb.writeRequestUnit', w) + costUsd(prices, 'dynamodb.readRequestUnit', r);
    const parts = {
      dynamodb: ddbPart(
        Object.values(wru).reduce((a, b) => a + b, 0),
        Object.values(rru).reduce((a, b) => a + b, 0),
      ),
      lambda:
        costUsd(prices, 'lambda.request', lambdaRequests) + costUsd(prices, 'lambda.gbSecondArm64', lambdaGbSeconds),
      eventbridge: costUsd(prices, 'eventbridge.customEvent', CUSTOM_EVENTS_PER_1K),
      kinesis: costUsd(
        prices,
        'kinesis.onDemandIngestGb',
        (attempts * inputs.records * KINESIS_KB_PER_RECORD) / 1024 / 1024,
      ),
      s3: costUsd(prices, 's3.putRequest', S3_PUTS_PER_1K) + costUsd(prices, 's3.getRequest', S3_GETS_PER_1K),
      sqs: costUsd(prices, 'sqs.standardRequest', SQS_REQUESTS_PER_1K),
      ses: costUsd(prices, 'ses.email', EMAILS_PER_1K),
      kms: costUsd(prices, 'kms.request', KMS_REQUESTS_PER_1K),
    };
    const total = Object.values(parts).reduce((a, b) => a + b, 0);
    ctx.log(
      `lambda: ${Math.round(lambdaRequests)} invocations, ${lambdaGbSeconds.toFixed(1)} GB-s per 1,000 contacts ` +
        `(${Object.entries(lambdaParts)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}; an outcome input ${input.cpuMs.toFixed(1)} ms CPU + ` +
        `${outcome.requestsPerInput.toFixed(2)} DynamoDB requests) ` +
        `(${(inputs.events + inputs.callStarts + inputs.dispositions).toFixed(2)} event/flow inputs and ` +
        `${inputs.records.toFixed(2)} contact records per attempt, ${Math.round(counterBatches)} counter batches)`,
    );
    return {
      'cost.usdPer1kContacts': round(total),
      ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`cost.usdPer1kContacts.${k}`, round(v)])),
      'cost.usdPer1kContacts.dynamodb.intake': round(ddbPart(wru.intake, rru.intake)),
      'cost.usdPer1kContacts.dynamodb.dialing': round(ddbPart(wru.dialing, rru.dialing)),
      'cost.usdPer1kContacts.dynamodb.outcomes': round(ddbPart(wru.outcomes, rru.outcomes)),
      'cost.intakeWruPerContact': round(intake.wru),
      'cost.intakeRruPerContact': round(intake.rru),
      'cost.dialWruPerAttempt': round(dial.wru),
      'cost.dialRruPerAttempt': round(dial.rru),
      'cost.reconcilerWruPerDial': round(reconciler.wru),
      'cost.reconcilerRruPerDial': round(reconciler.rru),
      'cost.outcomeWruPerAttempt': round(outcome.wru),
      'cost.outcomeRruPerAttempt': round(outcome.rru),
    };
  } finally {
    await sim.stop();
    await dynamo.stop();
  }
}

async function measureIntake(
  ctx: SuiteContext,
  client: DynamoDBDocumentClient,
  meter: CapacityMeter,
  table: string,
  campaign: Campaign,
): Promise<Units> {
  const { join } = await import('node:path');
  const file = await ensureList(join(ctx.workDir, `intake-${INTAKE_ROWS}.csv`), INTAKE_ROWS);
  meter.reset();
  meter.counting = true;
  const result = await ingestFileForBench({ client, tableName: table, campaign, file, at: '2027-03-01T01:00:00.000Z' });
  meter.counting = false;
  if (result.outcome !== 'ready') throw new Error(`intake did not finish: ${result.outcome}`);
  const accepted = result.summary.accepted;
  if (accepted < DIALS) throw new Error(`intake accepted ${accepted} contacts, fewer than the ${DIALS} to dial`);
  const units = perUnit(meter, accepted);
  ctx.log(
    `intake: ${accepted} of ${INTAKE_ROWS} rows accepted; ${units.wru.toFixed(2)} WRU and ${units.rru.toFixed(2)} RRU per contact ${breakdown(meter, accepted)}`,
  );
  return units;
}

async function measureDialing(
  ctx: SuiteContext,
  client: DynamoDBDocumentClient,
  meter: CapacityMeter,
  table: string,
  campaign: Campaign,
  sim: Awaited<ReturnType<typeof startConnectSim>>,
): Promise<Units & { reconcile: () => Promise<Units> }> {
  sim.addCampaign(campaign.connect.connectCampaignId ?? '', 'Running');
  const clock = new ManualClock('2027-03-01T02:00:00.000Z');
  const { deps, repository, store } = localDialing({ client, tableName: table, connectEndpoint: sim.endpoint, clock });
  await repository.create(campaign);
  await store.addCampaignZones(campaign.id, ['Asia/Shanghai']);
  meter.reset();
  meter.counting = true;
  const report = await dispatchCampaign(deps, campaign);
  meter.counting = false;
  if (report.dialed !== DIALS) throw new Error(`expected ${DIALS} dials, got ${report.dialed}`);
  const units = perUnit(meter, report.dialed);
  ctx.log(
    `dialing: ${report.dialed} dials; ${units.wru.toFixed(2)} WRU and ${units.rru.toFixed(2)} RRU per dial ${breakdown(meter, report.dialed)}`,
  );
  /**
   * The stale-dial reconciler's share: it reads every dial batch once its deadline has passed, and the batch's
   * contacts, whether or not their outcomes came. Here every outcome came (the contacts are moved on, uncounted, as the
   * outcome path would), so it reads and forgets the batches and writes no contact.
   */
  const reconcile = async (): Promise<Units> => {
    const dialing = await scanContacts(client, table, 'dialing');
    for (const item of dialing) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #state = :done REMOVE dialing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'doneRefused' },
        }),
      );
    }
    clock.advance(40 * 60_000);
    meter.reset();
    meter.counting = true;
    const reconciled = await reconcileCampaign(deps, campaign);
    meter.counting = false;
    const batches = reconciled.batches ?? { read: 0, settled: 0 };
    if (batches.read === 0) throw new Error('the reconciler read no dial batch: the measurement is broken');
    const perDial = perUnit(meter, report.dialed);
    ctx.log(
      `reconciler: ${batches.read} batches read, ${batches.settled} forgotten; ` +
        `${perDial.wru.toFixed(2)} WRU and ${perDial.rru.toFixed(2)} RRU per dial ${breakdown(meter, report.dialed)}`,
    );
    return perDial;
  };
  return { ...units, reconcile };
}

async function scanContacts(
  client: DynamoDBDocumentClient,
  table: string,
  state: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(sk, :contact) AND #state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':contact': 'CONTACT#', ':state': state },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * A contact as intake and the dispatcher leave it when its call goes out (list row, attributes, dialing state, due
 * entry): the median-sized of those the measured tick placed. Its size decides the write units of every contact move.
 */
async function dialedContact(client: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>> {
  const items = await scanContacts(client, table, 'dialing');
  const sorted = items.sort((a, b) => itemSize(a) - itemSize(b));
  const median = sorted[Math.floor(sorted.length / 2)];
  if (!median) throw new Error('no dialed contact to model the outcome contacts on');
  return median;
}

/**
 * The counters aggregator, modelled honestly: its cost depends on how many distinct counter items a stream batch
 * touches, which one scenario (one agent, one contact) cannot show. The real attempt records of the replayed scenarios
 * are dealt out to a campaign of {@link MODEL.agents} agents in {@link MODEL.teams} teams dialing at the default pace,
 * spread over the table's stream shards and cut into the mapping's batching windows, then applied by the real use case
 * and adapter through the meter.
 */
const MODEL = {
  /** Default pacing: dials a minute per campaign. */
  dialsPerMinute: 60,
  /** infra/constructs/outcomes.ts COUNTER_STREAM_BATCH: a batch closes after 60 s (or 1,000 records). */
  windowSeconds: 60,
  batchSize: 1_000,
  /**
   * Stream shards the campaign's attempts spread over (≈ the table's partitions; the attempt's key is its number, so a
   * campaign's records fall on every shard). An on-demand table starts with about 4; more shards mean fewer records of
   * one campaign per batch, so this errs high for a small table and low for a very large one.
   */
  shards: 4,
  agents: 20,
  teams: 2,
  /**
   * A call's records do not arrive together: call start, agent connected, end, contact record and disposition come over
   * minutes. Each record of an attempt is placed this many seconds after the previous one, so one call's counts may
   * land in several batches (pessimistic: most of its records move no counter).
   */
  secondsBetweenRecords: 60,
} as const;

/** The aggregator's CPU per batch: decode ≤ 1,000 small records (their old and new blobs), sum, one or two transactions. */
const COUNTER_BATCH_CPU_MS = 30;

interface OutcomeUnits extends Units {
  /** Batches the counters' mapping invokes the function with, per attempt. */
  counterBatches: number;
  /** CPU milliseconds this process spent per outcome input while replaying (the recorder and what it calls). */
  cpuMsPerInput: number;
  /** The recorder's DynamoDB requests per outcome input. */
  requestsPerInput: number;
}

async function measureOutcomes(
  ctx: SuiteContext,
  client: DynamoDBDocumentClient,
  meter: CapacityMeter,
  table: string,
  dialed: Record<string, unknown>,
  endpoint: string,
): Promise<OutcomeUnits> {
  let attempts = 0;
  let inputs = 0;
  let cpuMicros = 0;
  // CPU spent seeding, marking and reading back (the test world's, not a Lambda's): taken out of the measurement.
  let quietCpuMicros = 0;
  meter.reset();
  const put = (Item: Record<string, unknown>) => client.send(new PutCommand({ TableName: table, Item }));
  // The replay world seeds and marks a bare contact; the real one carries the list row and the dialer's fields.
  const asDialed = (attempt: number) => ({
    ...dialed,
    // A contact being dialed is in no index (the dispatcher removed its due keys; its dial batch lists it).
    ...contactKey(CAMPAIGN_ID, PHONE_KEY),
    campaignId: CAMPAIGN_ID,
    phoneKey: PHONE_KEY,
    zone: 'Asia/Shanghai',
    state: 'dialing',
    attempts: attempt,
    dialing: { ...(dialed.dialing as object), attempt },
  });
  // Every attempt record the replays write, as the mapping delivers them (filtered), to model the aggregator below.
  const captured: DynamoDBRecord[] = [];
  const capture = new LocalStreamPoller({
    endpoint,
    client,
    tableName: table,
    handler: async (event) => {
      captured.push(...event.Records);
    },
  });
  // A warm container has run the recorder before: one uncounted pass first, so the CPU measured below is not mostly
  // the JIT compiling it (cold starts are priced on their own).
  for (const scenario of SCENARIOS.map(withConnectContactIds)) {
    await replay(dynamoWorld(client, table, { endpoint }), scenario, (_i, raw) => raw);
  }
  await capture.skipToEnd();
  const attemptRecords: CounterStreamRecord[][] = [];
  for (const scenario of SCENARIOS.map(withConnectContactIds)) {
    const world = dynamoWorld(client, table, { endpoint });
    // Seeding, the dispatcher's marking (counted under dialing), the final read-back and the test world's own drain of
    // the stream into the counters (the aggregator is measured below, on realistic batches) are not counted here.
    const quiet =
      <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        meter.counting = false;
        const cpu = process.cpuUsage();
        try {
          return await f(...args);
        } finally {
          const spent = process.cpuUsage(cpu);
          quietCpuMicros += spent.user + spent.system;
          meter.counting = true;
        }
      };
    const seed = world.seed.bind(world);
    world.seed = quiet(async (sc: Scenario) => {
      await seed(sc);
      await put(asDialed(1));
    });
    world.markDialing = quiet(async (attempt: number) => {
      const { Item: contact } = await client.send(
        new GetCommand({ TableName: table, Key: contactKey(CAMPAIGN_ID, PHONE_KEY), ConsistentRead: true }),
      );
      // Only a contact waiting for a retry or a callback is dialed again (the world's own condition).
      if (contact?.state === 'retryWait' || contact?.state === 'callback')
        await put({ ...contact, ...asDialed(attempt) });
    });
    world.observe = quiet(world.observe.bind(world));
    meter.counting = true;
    const cpu = process.cpuUsage();
    await replay(world, scenario, (_i, raw) => raw);
    const spent = process.cpuUsage(cpu);
    meter.counting = false;
    cpuMicros += spent.user + spent.system;
    inputs += scenario.calls.flat().length;
    attempts += scenario.calls.length;
    captured.length = 0;
    await capture.drain();
    const byAttempt = new Map<string, DynamoDBRecord[]>();
    for (const r of captured) {
      const key = `${r.dynamodb?.Keys?.pk?.S}|${r.dynamodb?.Keys?.sk?.S}`;
      byAttempt.set(key, [...(byAttempt.get(key) ?? []), r]);
    }
    for (const records of byAttempt.values()) attemptRecords.push(counterStreamRecords(records));
  }
  capture.close();
  const recorder = perUnit(meter, attempts);
  if (!(recorder.wru > 0)) throw new Error('no write units counted on the outcome path: the measurement is broken');
  if (attemptRecords.length !== attempts) {
    throw new Error(`captured ${attemptRecords.length} attempts' records for ${attempts} attempts replayed`);
  }
  const recorderBreakdown = breakdown(meter, attempts);
  const requestsPerInput = meter.counts.requests / inputs;

  // The aggregator on the modelled stream: every write it makes is counted.
  const modelled = CONTACTS * ATTEMPTS_PER_CONTACT;
  const batches = modelBatches(attemptRecords, modelled);
  const ledger = new DynamoDbCounterLedger({
    client,
    tableName: table,
    clock: new ManualClock('2027-03-02T12:00:00Z'),
  });
  meter.reset();
  meter.counting = true;
  let groups = 0;
  for (const batch of batches) groups += (await applyCounterStream({ ledger }, batch)).groups;
  meter.counting = false;
  const aggregator = perUnit(meter, modelled);
  const units = {
    wru: recorder.wru + aggregator.wru,
    rru: recorder.rru + aggregator.rru,
    counterBatches: batches.length / modelled,
    cpuMsPerInput: (cpuMicros - quietCpuMicros) / 1000 / inputs,
    requestsPerInput,
  };
  ctx.log(
    `outcomes: ${units.wru.toFixed(2)} WRU and ${units.rru.toFixed(2)} RRU per attempt: recorder ` +
      `${recorder.wru.toFixed(2)} WRU / ${recorder.rru.toFixed(2)} RRU over ${attempts} ${recorderBreakdown}; ` +
      `counters aggregator ${aggregator.wru.toFixed(2)} WRU / ${aggregator.rru.toFixed(2)} RRU over ${modelled} ` +
      `modelled attempts ${breakdown(meter, modelled)}, ${batches.length} batches, ${groups} transactions ` +
      `(${MODEL.dialsPerMinute} dials/min, ${MODEL.windowSeconds} s window, ${MODEL.shards} shards, ` +
      `${MODEL.agents} agents in ${MODEL.teams} teams)`,
  );
  return units;
}

/**
 * The stream the aggregator reads at the modelled pace: attempt `j` is dialed at second j × 60 / pace, on shard
 * j mod {@link MODEL.shards}, by one of {@link MODEL.agents} agents (seeded), its records {@link MODEL.secondsBetweenRecords}
 * apart; each shard's records are cut into windows of {@link MODEL.windowSeconds} (and at most the batch size).
 */
function modelBatches(attemptRecords: readonly CounterStreamRecord[][], attempts: number): CounterStreamRecord[][] {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  const timed: { at: number; shard: number; record: CounterStreamRecord }[] = [];
  for (let j = 0; j < attempts; j++) {
    const source = attemptRecords[j % attemptRecords.length] ?? [];
    const agent = Math.floor(random() * MODEL.agents);
    const remap = (image: CounterStreamRecord['before']) =>
      image && {
        ...image,
        counted: image.counted.map((c) =>
          c.scope === 'AGENT'
            ? { ...c, id: `agent-${agent}` }
            : c.scope === 'TEAM'
              ? { ...c, id: `team-${agent % MODEL.teams}` }
              : c,
        ),
      };
    const dialedAt = (j * 60) / MODEL.dialsPerMinute;
    source.forEach((r, i) => {
      timed.push({
        at: dialedAt + i * MODEL.secondsBetweenRecords,
        shard: j % MODEL.shards,
        record: { eventId: `model-${j}-${i}`, sequenceNumber: '0', before: remap(r.before), after: remap(r.after) },
      });
    });
  }
  timed.sort((a, b) => a.at - b.at);
  const batches = new Map<string, CounterStreamRecord[]>();
  timed.forEach((t, n) => {
    const key = `${t.shard}#${Math.floor(t.at / MODEL.windowSeconds)}`;
    const batch = batches.get(key) ?? [];
    batch.push({ ...t.record, sequenceNumber: String(n + 1) });
    batches.set(key, batch);
  });
  return [...batches.values()].flatMap((b) =>
    Array.from({ length: Math.ceil(b.length / MODEL.batchSize) }, (_, i) =>
      b.slice(i * MODEL.batchSize, (i + 1) * MODEL.batchSize),
    ),
  );
}

function perUnit(meter: CapacityMeter, n: number): Units {
  return { wru: meter.counts.writeUnits / n, rru: meter.counts.readUnits / n };
}

function breakdown(meter: CapacityMeter, n: number): string {
  const parts = Object.entries(meter.counts.writeUnitsBy)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`);
  return `(WRU: ${parts.join(', ')}; ${(meter.counts.requests / n).toFixed(2)} requests)`;
}

/**
 * The scenario with Amazon Connect's own contact ids (UUIDs) in place of the short test ids: an id is stored on the
 * attempt, in its facts and in its link item, and item sizes are what write units are billed by.
 */
function withConnectContactIds(scenario: Scenario): Scenario {
  let json = JSON.stringify(scenario);
  const ids = new Set(
    scenario.calls
      .flat()
      .flatMap((input) => (input.kind === 'ctr' ? [(input.payload as { ContactId: string }).ContactId] : [])),
  );
  for (const [i, id] of [...ids].entries()) {
    const uuid = `6f1d2c3b-${String(i).padStart(4, '0')}-4a5b-8c7d-9e0f1a2b3c4d`;
    json = json.replaceAll(`"${id}"`, `"${uuid}"`).replaceAll(`"${id}-`, `"${uuid}-`);
  }
  const out = JSON.parse(json) as Scenario;
  if (JSON.stringify(out).includes(`"${[...ids][0]}"`)) throw new Error('a test contact id was left in a scenario');
  return out;
}

/** The kind of an item of the main table, from its key (shared/adapters/dynamodb/keys.ts). */
function itemKind(key: Record<string, unknown>): string {
  const pk = String(key.pk);
  const sk = String(key.sk);
  if (sk.includes('#ATTEMPT#')) return 'attempt';
  if (sk.startsWith('CONTACT#')) return 'contact';
  if (sk === 'STATUS') return 'status';
  return pk.split('#')[0]?.toLowerCase() ?? 'other';
}

/** Inputs per attempt in the scenarios: what Connect and the flows send for the mix the outcome units are for. */
function scenarioInputs() {
  const calls = SCENARIOS.flatMap((s) => s.calls);
  const count = (kind: string) => calls.reduce((n, c) => n + c.filter((i) => i.kind === kind).length, 0) / calls.length;
  return {
    events: count('event'),
    callStarts: count('callStart'),
    dispositions: count('disposition'),
    records: count('ctr'),
  };
}

/** An active campaign calling all day in Shanghai, paced to place the measured dials in one tick. */
function costCampaign(id: string): Campaign {
  return allDayBenchCampaign(id, { name: 'cost bench', pacing: { dialsPerMinute: DIALS } });
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
