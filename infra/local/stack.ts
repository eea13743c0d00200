import { randomUUID } from 'node:crypto';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { S3EventNotification } from '#events/s3-notification';
import { createHttpApi } from '#functions/api/http-api';
import { createIngestHandler } from '#functions/intake/ingest';
import { createCounterStreamHandler } from '#functions/outcomes/counter-stream-handler';
import {
  createCallStartHandler,
  createContactEventsHandler,
  createContactRecordsHandler,
  createDispositionHandler,
  type OutcomeHandlerDeps,
} from '#functions/outcomes/handlers';
import { createCampaignEventsHandler } from '#functions/reports/campaign-events';
import { createTickHandler } from '#functions/reports/tick';
import { CallFloor, type Emission, type FloorOptions, type SimAgent } from '#infra/local/connect-sim/floor';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import { LocalStreamPoller } from '#infra/local/counter-stream';
import { type DynamoDbLocal, startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { LocalEventBus } from '#infra/local/event-bus';
import { type LocalHttpServer, startLocalHttpServer } from '#infra/local/http-server';
import { type S3Local, startS3Local } from '#infra/local/s3-local';
import { type SesLocal, startSesLocal } from '#infra/local/ses-local';
import { SimClock } from '#infra/local/sim-clock';
import { createTables, type TableNames } from '#infra/local/tables';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbCounterLedger } from '#shared/adapters/dynamodb/counter-ledger';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { DynamoDbOrderFormMarkers, DynamoDbOrderStore } from '#shared/adapters/dynamodb/order-store';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { SesReportMailer } from '#shared/adapters/ses/report-mailer';
import type { RosterSource } from '#shared/ports/roster';
import { runReminderTick } from '#shared/use-cases/agents/reminders';
import { syncRoster } from '#shared/use-cases/agents/roster-sync';
import type { CampaignDeps } from '#shared/use-cases/campaigns';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchTick } from '#shared/use-cases/dialing/dispatch';
import { reconcileTick } from '#shared/use-cases/dialing/reconcile';
import type { OrderDeps } from '#shared/use-cases/orders/deps';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { runScheduledSampling } from '#shared/use-cases/qa/sampling';
import type { QaDeps } from '#shared/use-cases/qa/scorecards';
import { objectStoreArchive } from '#shared/use-cases/reports/archive';
import type { ReportDeps } from '#shared/use-cases/reports/send-reports';

/**
 * The whole of outcall on one machine: DynamoDB Local, s3rver, the SES stand-in and the connect-sim with its
 * simulated call floor, wired the way the CDK stacks wire AWS — the S3 notification through the intake queue to the
 * ingest handler, the schedules (dispatcher, reconciler, reminders, QA sampler, reports, roster sync) on a simulated
 * clock, contact events / contact records / flow Lambdas from the call floor into the outcome handlers, and the
 * outcall bus's rules (OrderPlaced → orders, CampaignTransitioned → reports). This is the one place the local wiring
 * lives; `start.ts` is its CLI and `scenario.ts` the demo it runs.
 */

export const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The simulated Amazon Connect instance. */
export const SIM_INSTANCE_ARN = 'arn:aws:connect:us-east-1:000000000000:instance/5e1a1c00-0000-4000-8000-00000000c0de';
export const TEAM_ZONE = 'Asia/Shanghai';
/** Outcome inputs of different contacts handled at once (Lambda's concurrency, scaled to a 2-core machine). */
const OUTCOME_CONCURRENCY = 6;

function contactIdOf(emission: Emission): string {
  if (emission.kind === 'contactRecord') return String(emission.record.ContactId);
  if (emission.kind === 'contactEvent') return String((emission.event.detail as { contactId: string }).contactId);
  return String((emission.event.Details as { ContactData: { ContactId: string } }).ContactData.ContactId);
}

export interface LocalStackOptions {
  /** Simulated start instant. */
  start: Date;
  agents: readonly SimAgent[];
  floor?: Partial<Omit<FloorOptions, 'agents' | 'instanceArn'>>;
  /**
   * Simulated minutes between two firings of the per-minute schedules (dispatcher, reminders). 1 is what AWS does;
   * the demo uses 5 so that three working days fit in its time budget. Default 1.
   */
  tickMinutes?: number;
  /** Port of the HTTP API on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  managerEmails?: readonly string[];
  sender?: string;
  /** Told about each HTTP request (method, path, status). */
  onRequest?: (line: { method: string; path: string; statusCode: number; ms: number }) => void;
  /** Told about every background failure the stack absorbs (a handler that threw, a dead-lettered event). */
  onError?: (where: string, error: unknown) => void;
}

/** What one simulated minute did. */
export interface MinuteReport {
  at: string;
  dialed: number;
  emissions: number;
  reminders: number;
  reports: number;
  sampled: number;
}

export interface LocalStack {
  clock: SimClock;
  names: TableNames;
  bucket: string;
  reportsBucket: string;
  client: DynamoDBDocumentClient;
  s3: S3Client;
  api: LocalHttpServer;
  dynamo: DynamoDbLocal;
  s3Local: S3Local;
  ses: SesLocal;
  sim: ConnectSim;
  floor: CallFloor;
  bus: LocalEventBus;
  qa: QaDeps;
  orders: OrderDeps;
  /** Ids of orders placed, for the simulated store. */
  placedOrders: string[];
  /** Wall milliseconds spent per job, for the bench and for tuning the scenario. */
  timings: Record<string, number>;
  /** DynamoDB requests sent so far, by command. */
  requests: Record<string, number>;
  /** Failures absorbed by the stack's retries and DLQs (should stay empty). */
  failures: { where: string; error: string }[];
  /** Runs the Connect roster sync (Scheduler, hourly in AWS). */
  syncRoster(): Promise<void>;
  /**
   * Runs the counters' stream aggregator over what the table's stream holds (as Lambda's event source mapping would,
   * batch by batch); `runMinute` does it after the outcomes and at its end. A failed batch is delivered again next time.
   */
  drainCounters(): Promise<void>;
  /** Delivers queued S3 notifications (and continuations) to the ingest handler until the queue is empty. */
  deliverIntake(): Promise<number>;
  /** Simulated minutes one {@link LocalStack.runMinute} stands for. */
  tickMinutes: number;
  /**
   * One firing of the schedules at the clock's current minute: intake, the outcomes the floor emitted, the
   * dispatcher, and whatever falls in this tick — reconciler (every 5 min), reminders, QA sampler (01:30),
   * report tick and roster sync (hourly). The caller advances the clock by {@link LocalStack.tickMinutes}.
   */
  runMinute(): Promise<MinuteReport>;
  /** Delivers what the call floor emitted up to now and drains the bus. */
  settle(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts every stand-in and wires the handlers. `stop()` undoes all of it, also after a partial start. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    return await build(options, stops, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function build(
  options: LocalStackOptions,
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<LocalStack> {
  const clock = new SimClock(options.start);
  const tickMinutes = options.tickMinutes ?? 1;
  const timings: Record<string, number> = {};
  const timed = async <T>(job: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[job] = (timings[job] ?? 0) + performance.now() - t0;
    }
  };
  const failures: { where: string; error: string }[] = [];
  const fail = (where: string, error: unknown) => {
    failures.push({ where, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    options.onError?.(where, error);
  };
  const sender = options.sender ?? 'outcall@example.com';
  const managerEmails = options.managerEmails ?? ['manager@example.com'];

  const [dynamo, s3Local, ses, sim] = await Promise.all([
    startDynamoDbLocal({ jit: 'throughput' }),
    startS3Local({ buckets: [] }),
    startSesLocal(),
    startConnectSim(),
  ]);
  stops.push(
    () => dynamo.stop(),
    () => s3Local.stop(),
    () => ses.stop(),
    () => sim.stop(),
  );

  const client = createDocumentClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  stops.push(async () => client.destroy());
  const requests: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName);
      requests[name] = (requests[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'localRequestCounter' },
  );
  const names: TableNames = { main: 'outcall-main', idempotency: 'outcall-idempotency' };
  // With the stream, as in AWS: the counters aggregator reads it (drainCounters).
  await createTables(client, names, { streams: true });
  const tableName = names.main;

  const s3 = new S3Client({
    endpoint: s3Local.endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: s3Local.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  stops.push(async () => s3.destroy());
  const bucket = 'outcall-uploads';
  const reportsBucket = 'outcall-reports';
  for (const name of [bucket, reportsBucket]) await s3.send(new CreateBucketCommand({ Bucket: name }));
  const sesClient = new SESv2Client({ endpoint: ses.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const connectClient = new ConnectCampaignsV2Client({
    endpoint: sim.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  stops.push(async () => {
    sesClient.destroy();
    connectClient.destroy();
  });

  const floor = new CallFloor({ ...options.floor, agents: options.agents, instanceArn: SIM_INSTANCE_ARN }, () =>
    clock.now(),
  );
  sim.setDialHandler(floor.onDial);

  const bus = new LocalEventBus(() => clock.now());
  const repository = new DynamoDbCampaignRepository({ client, tableName });
  const connect = new ConnectCampaignsAdapter({ client: connectClient });
  const objects = new S3ObjectStore(s3);
  const agentStore = new DynamoDbAgentStore({ client, tableName });
  const mailer = new SesMailer({ client: sesClient, from: sender });
  const campaignDeps: CampaignDeps = { repository, events: bus, clock, connect };
  const dialingStore = new DynamoDbDialingStore({ client, tableName });
  const recorder = new OutcomeRecorder({ store: new DynamoDbOutcomeStore({ client, tableName }), events: bus, clock });
  const dialing: DialingDeps = {
    campaigns: repository,
    store: dialingStore,
    connect,
    // Wall-clock permits: the account-wide Connect rate is real time even when the simulation runs faster.
    limiter: new DynamoDbRateLimiter({ client, tableName, name: 'connect-put-batch', perSecond: 10 }),
    clock,
    outcomes: recorder,
  };
  const qa: QaDeps = { store: new DynamoDbQaStore({ client, tableName }), clock };
  const orderStore = new DynamoDbOrderStore({ client, tableName });
  const orders: OrderDeps = {
    orders: orderStore,
    campaigns: repository,
    mailer,
    markers: new DynamoDbOrderFormMarkers({ client, tableName }),
    events: bus,
    clock,
  };
  const reportStore = new DynamoDbReportStore({ client, tableName });
  const reportDeps: ReportDeps = {
    reads: reportStore,
    markers: reportStore,
    agents: agentStore,
    campaigns: repository,
    clock,
    mailer: new SesReportMailer({ client: sesClient, from: sender }),
    archive: objectStoreArchive(objects, reportsBucket, LOCAL_REGION),
    managerEmails,
    campaignUseCases: { repository, events: bus, clock },
  };
  const outcomeDeps: OutcomeHandlerDeps = { recorder, clock };
  // The counters follow the attempts through the table's stream, as in AWS (infra/constructs/outcomes.ts).
  const counterStream = new LocalStreamPoller({
    endpoint: dynamo.endpoint,
    client,
    tableName,
    handler: createCounterStreamHandler({ ledger: new DynamoDbCounterLedger({ client, tableName, clock }) }),
  });
  stops.push(async () => counterStream.close());
  const drainCounters = async () => {
    await timed('counters', () => counterStream.drain()).catch((e: unknown) => fail('counters', e));
  };

  // The Lambda handlers, each built by its own factory around the local adapters.
  const handlers = {
    ingest: createIngestHandler({
      objects,
      lists: new DynamoDbListRepository({ client, tableName }),
      contacts: new DynamoDbContactStore({ client, tableName }),
      dnc: new DynamoDbDncStore({ client, tableName }),
      campaigns: repository,
      events: bus,
      mailer,
      continuations: { send: async (message) => void intakeQueue.push(JSON.stringify(message)) },
      openSheet: (o) => resumableSheetReader(o),
      clock,
      phoneKeySecret: 'local-phone-key-secret',
    }),
    contactRecords: createContactRecordsHandler(outcomeDeps),
    contactEvents: createContactEventsHandler(outcomeDeps),
    disposition: createDispositionHandler(outcomeDeps),
    callStart: createCallStartHandler(outcomeDeps),
    reportEvents: createCampaignEventsHandler(reportDeps),
    reportTick: createTickHandler(reportDeps),
  };

  // The outcall bus's rules, as infra/constructs/{orders,reports}.ts declare them.
  const placedOrders: string[] = [];
  bus.rules.push(
    {
      name: 'OrderPlacedRule',
      matches: (e) => e.source === 'outcall.outcomes' && e.detailType === 'OrderPlaced',
      target: async (envelope) => {
        const detail = envelope.detail as Parameters<typeof placeOrder>[1];
        const result = await placeOrder(orders, detail);
        if (result.status !== 'unknownCampaign' && !placedOrders.includes(detail.orderId)) {
          placedOrders.push(detail.orderId);
        }
      },
    },
    {
      name: 'CampaignReportRule',
      matches: (e) =>
        e.source === 'outcall.campaigns' &&
        e.detailType === 'CampaignTransitioned' &&
        ['endPilot', 'complete'].includes(String((e.detail as { action?: unknown }).action)),
      target: (envelope) => handlers.reportEvents(envelope),
    },
  );

  const api = await startLocalHttpServer({
    handler: createHttpApi(
      {
        ...campaignDeps,
        dialing: { campaigns: repository, store: dialingStore, clock },
        qa,
        agents: { store: agentStore, clock },
        orders: { orders: orderStore, campaigns: repository, events: bus, clock },
      },
      { timeoutEarlyInMillis: 0 },
    ),
    port: options.port ?? 0,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  stops.push(() => api.close());

  // The intake queue: S3 notifications as SQS message bodies, and the ingest function's own continuations.
  const intakeQueue: string[] = [];
  const unsubscribe = s3Local.onObjectCreated((event: S3EventNotification) => {
    const key = decodeURIComponent((event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' '));
    if (event.Records[0]?.s3.bucket.name === bucket && /^(lists|dnc)\//.test(key)) {
      intakeQueue.push(JSON.stringify(event));
    }
  });
  stops.push(async () => void unsubscribe());

  const roster: RosterSource = {
    listUsers: async () =>
      options.agents.map((a) => ({
        connectUserId: a.id,
        connectUserArn: floor.agentArn(a.id),
        name: a.name,
        email: a.email,
        hierarchyGroup: { id: a.team.id, arn: `${SIM_INSTANCE_ARN}/agent-group/${a.team.id}`, name: a.team.name },
      })),
  };

  const deliverIntake = async () => {
    let runs = 0;
    while (intakeQueue.length > 0) {
      const body = intakeQueue.shift() as string;
      const event = sqsEvent(body);
      const response = await handlers.ingest(event, lambdaContext(15 * 60_000));
      runs++;
      if (response.batchItemFailures.length > 0) fail('intake', new Error('an intake message failed'));
    }
    return runs;
  };

  const deliver = async (emission: Emission) => {
    const t0 = performance.now();
    try {
      if (emission.kind === 'contactRecord') {
        // One contact's record per batch: the shard's records of different contacts go to parallel invocations.
        const response = await handlers.contactRecords(kinesisEvent([emission.record]), lambdaContext(60_000));
        if (response.batchItemFailures.length > 0) fail('contact-records', new Error('a contact record failed'));
      } else if (emission.kind === 'contactEvent') await handlers.contactEvents(emission.event);
      else if (emission.kind === 'callStart') await handlers.callStart(emission.event);
      else {
        const answer = await handlers.disposition(emission.event);
        if (answer.status !== 'recorded' && answer.status !== 'unchanged') {
          fail('disposition', new Error(`disposition answered ${answer.status}`));
        }
      }
    } catch (error) {
      fail(emission.kind, error);
    } finally {
      const key = `outcomes.${emission.kind}`;
      timings[key] = (timings[key] ?? 0) + performance.now() - t0;
    }
  };

  const settle = async () => {
    const due = floor.due(clock.now());
    // Lambda runs the sources of different contacts side by side; one contact's inputs go in their time order.
    const byContact = new Map<string, Emission[]>();
    for (const emission of due) {
      const id = contactIdOf(emission);
      byContact.set(id, [...(byContact.get(id) ?? []), emission]);
    }
    const queues = [...byContact.values()];
    const workers = Array.from({ length: Math.min(OUTCOME_CONCURRENCY, queues.length) }, async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const emission of queue) await deliver(emission);
      }
    });
    await Promise.all(workers);
    await drainCounters();
    await bus.drain();
    for (const dead of bus.deadLetters.splice(0)) fail(`bus:${dead.rule}`, new Error(dead.error));
    return due.length;
  };

  const runMinute = async (): Promise<MinuteReport> => {
    const now = clock.now();
    const local = localTime(now, TEAM_ZONE);
    // A schedule at hh:mm fires in the tick whose minutes cover it.
    const covers = (minute: number, hour?: number) =>
      (hour === undefined || local.hour === hour) && local.minute <= minute && minute < local.minute + tickMinutes;
    const everyFive = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55].some((m) => covers(m));
    const report: MinuteReport = {
      at: now.toISOString(),
      dialed: 0,
      emissions: 0,
      reminders: 0,
      reports: 0,
      sampled: 0,
    };
    await deliverIntake();
    // Calls that ended before this tick are in before the dispatcher chooses.
    report.emissions += await timed('outcomes', settle);
    const ticks = await timed('dispatcher', () => dispatchTick(dialing));
    report.dialed = ticks.reduce((s, t) => s + t.dialed, 0);
    if (everyFive) {
      await timed('reconciler', () => reconcileTick(dialing)).catch((e: unknown) => fail('reconciler', e));
    }
    try {
      const reminders = await timed('reminders', () =>
        runReminderTick({ store: agentStore, markers: agentStore, mailer, clock }),
      );
      report.reminders = reminders.sent;
    } catch (error) {
      fail('reminders', error);
    }
    if (covers(30, 1)) {
      const sampled = await runScheduledSampling(qa, { timeZone: TEAM_ZONE }).catch((e: unknown) => {
        fail('qa-sampler', e);
        return [];
      });
      report.sampled = sampled.reduce((s, r) => s + r.added, 0);
    }
    if (covers(0)) {
      const tick = await timed('reports', () => handlers.reportTick()).catch((e: unknown) => {
        fail('report-tick', e);
        return { sent: [] as string[] };
      });
      report.reports = tick.sent.length;
      await syncRoster({ store: agentStore, roster, clock, defaultTimeZone: TEAM_ZONE });
    }
    await bus.drain();
    await drainCounters();
    return report;
  };

  return {
    clock,
    names,
    bucket,
    reportsBucket,
    client,
    s3,
    api,
    dynamo,
    s3Local,
    ses,
    sim,
    floor,
    bus,
    qa,
    orders,
    placedOrders,
    tickMinutes,
    timings,
    requests,
    failures,
    syncRoster: async () => {
      await syncRoster({ store: agentStore, roster, clock, defaultTimeZone: TEAM_ZONE });
    },
    deliverIntake,
    drainCounters,
    runMinute,
    settle,
    stop: stopAll,
  };
}

/** Hour and minute of `at` in `zone`. */
export function localTime(at: Date, zone: string): { hour: number; minute: number; day: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    day: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

function sqsEvent(body: string): SQSEvent {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'local',
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:outcall-intake',
        awsRegion: LOCAL_REGION,
      },
    ],
  };
}

let kinesisSequence = 0;
function kinesisEvent(records: readonly Record<string, unknown>[]): KinesisStreamEvent {
  return {
    Records: records.map((record) => {
      const sequenceNumber = String(++kinesisSequence).padStart(20, '0');
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: String(record.ContactId),
          sequenceNumber,
          data: Buffer.from(JSON.stringify(record)).toString('base64'),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
        awsRegion: LOCAL_REGION,
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/outcall-contact-records',
      };
    }),
  };
}

function lambdaContext(budgetMs: number): Context {
  const deadline = Date.now() + budgetMs;
  return {
    awsRequestId: randomUUID(),
    functionName: 'outcall-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:outcall-local',
    memoryLimitInMB: '1024',
    logGroupName: 'local',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
