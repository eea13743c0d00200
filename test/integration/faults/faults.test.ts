import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { attemptKey, contactKey, phonePartition, phoneStatusKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbSubjectStore } from '#shared/adapters/dynamodb/subject-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { type FaultPlan, injectFaults, seededRandom } from '#test/integration/faults/inject';
import { emptyRow, type FaultRow, faultReport } from '#test/integration/faults/report';
import { dynamoWorld } from '#test/integration/helpers/outcome-world';
import { useTestTables } from '#test/integration/helpers/tables';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { inOrder, replay, type World } from '#test/unit/outcomes/replay';
import { type RawInput, SCENARIOS, type Scenario, toOutcomeInput } from '#test/unit/outcomes/scenarios';

/**
 * The fault-injection suite (docs/operations.md): each scenario plays every outcome scenario (13 contacts, their
 * calls and every input Amazon Connect sends) against DynamoDB Local with a fault, delivering inputs at least once as
 * Lambda would (a failed invocation is retried), and compares the end state with a fault-free reference.
 * Goal: 0 contacts lost, 0 attempts duplicated, 0 outcomes lost.
 */

const tables = useTestTables('faults', { streams: true });
const MAX_DELIVERIES = 25;

const rows = faultReport('outcomes');

type Order = (i: number, inputs: RawInput[], earlier: RawInput[]) => RawInput[];

interface Observed {
  contacts: { campaignId: string; state: string }[];
  counters: Record<string, Record<string, number>>;
}

/** Counts what differs from the reference: lost contacts, excess counts (duplicates), missing counts (lost outcomes). */
function compare(reference: Observed, observed: Observed) {
  let contactsLost = 0;
  for (const ref of reference.contacts) {
    const got = observed.contacts.find((c) => c.campaignId === ref.campaignId);
    if (!got || got.state !== ref.state) contactsLost++;
  }
  let duplicated = 0;
  let lost = 0;
  const keys = new Set([...Object.keys(reference.counters), ...Object.keys(observed.counters)]);
  for (const key of keys) {
    const ref = reference.counters[key] ?? {};
    const got = observed.counters[key] ?? {};
    for (const name of new Set([...Object.keys(ref), ...Object.keys(got)])) {
      if (/seconds|sum/i.test(name)) continue;
      const d = (got[name] ?? 0) - (ref[name] ?? 0);
      if (d > 0) duplicated += d;
      else lost -= d;
    }
  }
  return { contactsLost, duplicated, lost };
}

/** `replay`, but each input is delivered until it succeeds, as Lambda retries a failed record or event. */
async function replayAtLeastOnce(
  world: World & { drainCounters?: () => Promise<void> },
  scenario: Scenario,
  order: Order,
  active: { on: boolean },
  drainEachInput = false,
) {
  await world.seed(scenario);
  const recorder = new OutcomeRecorder({
    store: world.store,
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2027-03-02T12:00:00Z'),
  });
  const earlier: RawInput[] = [];
  let undelivered = 0;
  for (const [i, call] of scenario.calls.entries()) {
    active.on = false;
    if (i > 0) await world.markDialing(i + 1);
    active.on = true;
    for (const raw of order(i, call, earlier)) {
      const input = toOutcomeInput(raw);
      if (!input) continue;
      let delivered = false;
      for (let d = 0; d < MAX_DELIVERIES && !delivered; d++) {
        try {
          await recorder.record(input);
          delivered = true;
        } catch (error) {
          const name = (error as Error).name;
          // Only injected, retryable faults are redelivered; anything else is a bug the suite must show.
          if (!/Throttl|ProvisionedThroughputExceeded/.test(name)) throw error;
        }
      }
      if (!delivered) undelivered++;
      // The counters aggregator runs as the stream fills: a batch it failed on (killed after its transaction, say) is
      // delivered again by the next drain, from the same first record, with what was written since appended.
      if (drainEachInput) await world.drainCounters?.().catch(() => undefined);
    }
    earlier.push(...call);
  }
  active.on = false;
  return { observed: (await world.observe()) as Observed, undelivered };
}

interface FaultScenario {
  name: string;
  plan?: FaultPlan;
  order: (random: () => number) => Order;
  /** Inputs of these kinds never arrive. */
  drop?: RawInput['kind'][];
  /** Faults in the counters aggregator's writes; it then runs after every input, not only before the comparison. */
  counterPlan?: FaultPlan;
}

const twiceShuffled =
  (random: () => number): Order =>
  (_i, inputs, earlier) =>
    [...inputs, ...inputs, ...earlier.slice(0, 2)]
      .map((input) => ({ input, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.input);

const FAULTS: FaultScenario[] = [
  { name: 'no fault (reference check)', order: () => inOrder },
  { name: 'every input twice, out of order, late repeats', order: twiceShuffled },
  { name: 'contact events dropped entirely', order: () => inOrder, drop: ['event'] },
  {
    name: 'DynamoDB ThrottlingException on 30% of writes',
    plan: { failBefore: { rate: 0.3, name: 'ThrottlingException' } },
    order: () => inOrder,
  },
  {
    name: 'ProvisionedThroughputExceeded on 30% of writes',
    plan: { failBefore: { rate: 0.3, name: 'ProvisionedThroughputExceededException' } },
    order: () => inOrder,
  },
  {
    name: 'write applied but its answer lost (20%)',
    plan: { failAfter: { rate: 0.2, name: 'ThrottlingException' } },
    order: () => inOrder,
  },
  {
    name: 'outcomes function killed mid-batch, batch redelivered',
    order: (random) => (_i, inputs) => [...inputs.slice(0, Math.floor(random() * inputs.length)), ...inputs],
  },
  {
    name: 'counters aggregator killed after its transaction (30%), batch redelivered with more records',
    counterPlan: { failAfter: { rate: 0.3, name: 'ThrottlingException' } },
    order: twiceShuffled,
  },
  {
    name: 'throttling + duplicates + disorder together',
    plan: { failBefore: { rate: 0.2, name: 'ThrottlingException' } },
    order: twiceShuffled,
  },
];

describe('fault injection: outcomes on DynamoDB Local', () => {
  for (const [n, fault] of FAULTS.entries()) {
    it(fault.name, async () => {
      const random = seededRandom(1_000 + n);
      const client = createDocumentClient({
        endpoint: tables.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const active = { on: false };
      const counters = fault.plan ? injectFaults(client, fault.plan, () => active.on, random) : undefined;
      const counterClient = fault.counterPlan
        ? createDocumentClient({
            endpoint: tables.endpoint,
            region: 'us-east-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          })
        : undefined;
      const counterFaults =
        counterClient && fault.counterPlan
          ? injectFaults(counterClient, fault.counterPlan, () => active.on, random)
          : undefined;
      const row: FaultRow = emptyRow(fault.name);
      for (const scenario of SCENARIOS) {
        const kept = (s: Scenario): Scenario =>
          fault.drop ? { ...s, calls: s.calls.map((c) => c.filter((r) => !fault.drop?.includes(r.kind))) } : s;
        const reference = (await replay(memoryWorld(), scenario, inOrder)).observed as Observed;
        const world = dynamoWorld(client, tables.names.main, {
          endpoint: tables.endpoint,
          ...(counterClient ? { counterClient } : {}),
        });
        const { observed, undelivered } = await replayAtLeastOnce(
          world,
          kept(scenario),
          fault.order(random),
          active,
          counterClient !== undefined,
        );
        const diff = compare(reference, observed);
        row.contactsIn += reference.contacts.length;
        row.contactsLost += diff.contactsLost;
        row.attemptsDuplicated += diff.duplicated;
        row.outcomesLost += diff.lost + undelivered;
      }
      row.faultsInjected = (counters?.injected ?? 0) + (counterFaults?.injected ?? 0);
      rows.push(row);
      client.destroy();
      counterClient?.destroy();
      // A scenario that was meant to inject faults and did not proves nothing.
      if (fault.plan || fault.counterPlan) expect(row.faultsInjected).toBeGreaterThan(0);
      expect({ lost: row.contactsLost, duplicated: row.attemptsDuplicated, outcomesLost: row.outcomesLost }).toEqual({
        lost: 0,
        duplicated: 0,
        outcomesLost: 0,
      });
    });
  }
});

describe('fault accounting', () => {
  it('counts a lost contact, a duplicated count and a lost outcome when they happen', () => {
    const reference: Observed = {
      contacts: [{ campaignId: 'c1', state: 'doneSuccess' }],
      counters: { 'CAMPAIGN#c1#d': { dials: 1, connects: 1 } },
    };
    const broken: Observed = {
      contacts: [{ campaignId: 'c1', state: 'dialing' }],
      counters: { 'CAMPAIGN#c1#d': { dials: 2 } },
    };
    expect(compare(reference, broken)).toEqual({ contactsLost: 1, duplicated: 1, lost: 1 });
    expect(compare(reference, reference)).toEqual({ contactsLost: 0, duplicated: 0, lost: 0 });
  });
});

describe('fault injection: erasure under UnprocessedItems and throttling', () => {
  it('erases every item although BatchWriteItem leaves half of them unprocessed', async () => {
    const client = createDocumentClient({
      endpoint: tables.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const active = { on: false };
    const counters = injectFaults(client, { unprocessed: 0.5 }, () => active.on, seededRandom(7));
    const key = 'FaultSubjectKey0000000';
    for (let c = 0; c < 12; c++) {
      await client.send(new PutCommand({ TableName: tables.names.main, Item: { ...contactKey(`c-${c}`, key) } }));
      for (let a = 1; a <= 3; a++) {
        await client.send(new PutCommand({ TableName: tables.names.main, Item: { ...attemptKey(`c-${c}`, key, a) } }));
      }
    }
    await client.send(new PutCommand({ TableName: tables.names.main, Item: { ...phoneStatusKey(key) } }));
    const store = new DynamoDbSubjectStore({ client, tableName: tables.names.main, sleep: async () => {} });
    const records = await store.find(key);
    active.on = true;
    const erased = await store.erase(key, records, 'now');
    active.on = false;
    const left = await client.send(
      new QueryCommand({
        TableName: tables.names.main,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': phonePartition(key) },
      }),
    );
    client.destroy();
    rows.push({
      ...emptyRow('erasure: BatchWriteItem UnprocessedItems (50%)'),
      contactsIn: 12,
      contactsLost: (left.Items ?? []).filter((i) => i.sk !== 'STATUS').length,
      faultsInjected: counters.injected,
    });
    expect(counters.injected).toBeGreaterThan(0);
    expect(erased).toEqual({ contacts: 12, attempts: 36, orders: 0, qaCalls: 0 });
    expect((left.Items ?? []).map((i) => i.sk)).toEqual(['STATUS']);
  });
});
