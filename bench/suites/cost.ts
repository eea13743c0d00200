/**
 * AWS cost (telephony excluded) of taking 1,000 contacts through intake, 1.5 attempts each on average, their outcomes
 * and the reports, priced with bench/prices.json:
 * - DynamoDB units of outcomes are **measured**: every outcome scenario (test/unit/outcomes/scenarios.ts) is replayed
 *   on DynamoDB Local through the real recorder, each request asked for `ReturnConsumedCapacity: TOTAL`;
 * - intake and dialing units are **modelled** from their access patterns (docs/data-model.md #7, #8, #11, release) and
 *   the request counts the intake and dialing suites measure; Lambda, EventBridge, Kinesis, S3, SQS, SES and KMS from
 *   the invocations each contact causes (constants below, each with its reason).
 * Keys: cost.usdPer1kContacts (goal ≤ 0.01) and one cost.usdPer1kContacts.<service> per part.
 */
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { dynamoWorld } from '#test/integration/faults/outcome-world';
import { replay } from '#test/unit/outcomes/replay';
import { SCENARIOS } from '#test/unit/outcomes/scenarios';
import { costUsd, loadPrices } from '../lib/prices.ts';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

export const goals: Goals = { 'cost.usdPer1kContacts': { max: 0.01 } };

const CONTACTS = 1_000;
const ATTEMPTS_PER_CONTACT = 1.5;

// Intake, per accepted contact: BatchGet of STATUS (½ RRU eventual), TransactWrite Put CONTACT + Update STATUS
// (2 items × 2 WRU, transactional), release from pending to due (1 WRU), checkpoints amortised (~0).
const INTAKE_WRU = 5;
const INTAKE_RRU = 0.5;
// Dialing, per attempt: STATUS re-read at dial time (½ RRU), TransactWrite marking the contact dialing and the
// attempt (2 items × 2 WRU), the due-index Query amortised over 25 (≈ 0.04 RRU).
const DIAL_WRU = 4;
const DIAL_RRU = 0.54;
// Lambda invocations per attempt: 1 contact-record batch share (Kinesis, 100 a batch), ~4 contact events Connect
// sends for an answered outbound call that reach the rule, call-start and disposition flow Lambdas (answered calls,
// ~half), dispatcher share (25 dials a batch). Average billed duration 60 ms at 1,024 MB (arm64).
const LAMBDA_INVOCATIONS_PER_ATTEMPT = 0.01 + 4 + 1 + 0.04;
const LAMBDA_GB_SECONDS_PER_INVOCATION = 0.06 * 1;
// Intake: one invocation per 1,000-row chunk, 2 s at 1,769 MB.
const INTAKE_GB_SECONDS_PER_1K = 2 * 1.769;
// EventBridge: Connect's contact events on the default bus are free (AWS service events); outcall's own
// (OrderPlaced, CampaignTransitioned, ListLoaded) are a handful per 1,000 contacts.
const CUSTOM_EVENTS_PER_1K = 5;
// Kinesis on demand: ~3 KB a contact record, one per attempt.
const KINESIS_GB_PER_ATTEMPT = 3 / 1024 / 1024;
// S3: the upload read, the rejects file and one report archive a day per campaign, per 1,000 contacts.
const S3_PUTS_PER_1K = 3;
const S3_GETS_PER_1K = 2;
// SQS: one intake message per chunk plus its delete.
const SQS_REQUESTS_PER_1K = 3;
// SES: a daily team report and the campaign evaluation.
const EMAILS_PER_1K = 2;
// KMS: data keys are cached (DynamoDB table key, S3 bucket key, SQS 5-minute reuse): a few requests per 1,000.
const KMS_REQUESTS_PER_1K = 10;

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const prices = await loadPrices();
  const dynamo = await startDynamoDbLocal();
  try {
    const client = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let read = 0;
    let write = 0;
    let counting = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (counting) input.ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        if (!counting) return out;
        const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const isRead = /^(Get|Query|Scan|BatchGet|TransactGet)/.test(
          (context as { commandName?: string }).commandName ?? '',
        );
        for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
        }[]) {
          if (isRead) read += c.CapacityUnits ?? 0;
          else write += c.CapacityUnits ?? 0;
        }
        return out;
      },
      { step: 'initialize', name: 'consumedCapacity' },
    );
    const table = 'bench-cost-main';
    await createTables(client, { main: table, idempotency: 'bench-cost-idem' });
    let attempts = 0;
    let seedRead = 0;
    let seedWrite = 0;
    for (const scenario of SCENARIOS) {
      const world = dynamoWorld(client, table);
      const before = { read, write };
      counting = true;
      // Seeding and dial marking are other issues' writes: counted, then subtracted below.
      await world.seed(scenario);
      seedRead += read - before.read;
      seedWrite += write - before.write;
      counting = true;
      await replay(world, scenario, (_i, inputs) => inputs);
      counting = false;
      attempts += scenario.calls.length;
    }
    client.destroy();
    const outcomeWru = (write - seedWrite) / attempts;
    const outcomeRru = (read - seedRead) / attempts;
    if (!(outcomeWru > 0)) throw new Error('DynamoDB Local reported no consumed capacity: the measurement is broken');
    ctx.log(`outcomes: ${outcomeWru.toFixed(1)} WRU and ${outcomeRru.toFixed(1)} RRU per attempt over ${attempts}`);

    const perAttempts = CONTACTS * ATTEMPTS_PER_CONTACT;
    const parts = {
      dynamodb:
        costUsd(prices, 'dynamodb.writeRequestUnit', CONTACTS * INTAKE_WRU + perAttempts * (DIAL_WRU + outcomeWru)) +
        costUsd(prices, 'dynamodb.readRequestUnit', CONTACTS * INTAKE_RRU + perAttempts * (DIAL_RRU + outcomeRru)),
      lambda:
        costUsd(prices, 'lambda.request', perAttempts * LAMBDA_INVOCATIONS_PER_ATTEMPT + 1) +
        costUsd(
          prices,
          'lambda.gbSecondArm64',
          perAttempts * LAMBDA_INVOCATIONS_PER_ATTEMPT * LAMBDA_GB_SECONDS_PER_INVOCATION + INTAKE_GB_SECONDS_PER_1K,
        ),
      eventbridge: costUsd(prices, 'eventbridge.customEvent', CUSTOM_EVENTS_PER_1K),
      kinesis: costUsd(prices, 'kinesis.onDemandIngestGb', perAttempts * KINESIS_GB_PER_ATTEMPT),
      s3: costUsd(prices, 's3.putRequest', S3_PUTS_PER_1K) + costUsd(prices, 's3.getRequest', S3_GETS_PER_1K),
      sqs: costUsd(prices, 'sqs.standardRequest', SQS_REQUESTS_PER_1K),
      ses: costUsd(prices, 'ses.email', EMAILS_PER_1K),
      kms: costUsd(prices, 'kms.request', KMS_REQUESTS_PER_1K),
    };
    const total = Object.values(parts).reduce((a, b) => a + b, 0);
    return {
      'cost.usdPer1kContacts': round(total),
      'cost.outcomeWruPerAttempt': round(outcomeWru),
      'cost.outcomeRruPerAttempt': round(outcomeRru),
      ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`cost.usdPer1kContacts.${k}`, round(v)])),
    };
  } finally {
    await dynamo.stop();
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
