import { deflateRawSync } from 'node:zlib';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCounterStreamHandler } from '#functions/outcomes/counter-stream-handler';
import { LocalStreamPoller } from '#infra/local/counter-stream';
import { packFacts } from '#shared/adapters/dynamodb/attempt-blob';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbCounterLedger } from '#shared/adapters/dynamodb/counter-ledger';
import { attemptKey, counterBatchKey, counterKey } from '#shared/adapters/dynamodb/keys';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { CounterContribution } from '#shared/domain/outcomes/derive';
import { injectFaults, seededRandom } from '#test/integration/faults/inject';
import { useTestTables } from '#test/integration/helpers/tables';
import { captureEmf } from '#test/unit/functions/emf';

const tables = useTestTables('counters', { streams: true });
const DAY = '2027-03-02';
const CAMPAIGN = 'c-counters0001';

/** What a recorder of this version writes for an attempt: its facts and what it has counted, in `fz`. */
function counted(agent: string | undefined, values: Record<string, number>): CounterContribution[] {
  return [
    { scope: 'CAMPAIGN', id: CAMPAIGN, day: DAY, values },
    ...(agent
      ? [
          { scope: 'AGENT' as const, id: agent, day: DAY, values },
          { scope: 'TEAM' as const, id: `team-${agent.slice(-1)}`, day: DAY, values },
        ]
      : []),
  ];
}

describe('the counters aggregator on DynamoDB Local', () => {
  let captured: DynamoDBRecord[];
  let poller: LocalStreamPoller;
  let version = 0;

  const writeAttempt = (phone: string, attempt: number, c: CounterContribution[], byStream = true) => {
    const blob = packFacts(CAMPAIGN, {}, c);
    // The previous recorder's blob had no `s` mark: rebuild it without.
    const fz = byStream ? blob : legacyBlob(c);
    return tables.client.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: { ...attemptKey(CAMPAIGN, phone, attempt), version: ++version, fz },
      }),
    );
  };
  /** Every attempt record written since the last call, as Lambda would deliver them (filtered). */
  const records = async () => {
    captured = [];
    await poller.drain();
    return captured;
  };
  const apply = (client: DynamoDBDocumentClient, batch: DynamoDBRecord[]) =>
    createCounterStreamHandler({
      ledger: new DynamoDbCounterLedger({
        client,
        tableName: tables.names.main,
        clock: new ManualClock('2027-03-02T12:00:00Z'),
      }),
    })({ Records: batch });
  const counters = async (scope: 'CAMPAIGN' | 'AGENT' | 'TEAM', id: string) => {
    const { Item: item } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: counterKey(scope, id, DAY), ConsistentRead: true }),
    );
    return Object.fromEntries(
      Object.entries(item ?? {}).filter(([k, v]) => typeof v === 'number' && !['expiresAt'].includes(k)),
    );
  };
  const clear = async () => {
    for (const [scope, id] of [
      ['CAMPAIGN', CAMPAIGN],
      ...Array.from({ length: 120 }, (_, i) => ['AGENT', `agent-${i}`]),
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => ['TEAM', `team-${d}`]),
    ] as ['CAMPAIGN' | 'AGENT' | 'TEAM', string][]) {
      await tables.client.send(new DeleteCommand({ TableName: tables.names.main, Key: counterKey(scope, id, DAY) }));
    }
  };

  beforeEach(async () => {
    poller ??= new LocalStreamPoller({
      endpoint: tables.endpoint,
      client: tables.client,
      tableName: tables.names.main,
      handler: async (event) => {
        captured.push(...event.Records);
      },
    });
    captured = [];
    await poller.drain();
    await clear();
  });

  it('a batch delivered twice counts once; other items and REMOVEs never reach it', async () => {
    await writeAttempt('P1', 1, counted(undefined, { dials: 1, noAnswer: 1 }));
    await writeAttempt('P2', 1, counted('agent-1', { dials: 1, connects: 1 }));
    await tables.client.send(new PutCommand({ TableName: tables.names.main, Item: { pk: 'OTHER', sk: 'ITEM', n: 1 } }));
    await tables.client.send(new DeleteCommand({ TableName: tables.names.main, Key: attemptKey(CAMPAIGN, 'P1', 1) }));
    const batch = await records();
    expect(batch.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
    await apply(tables.client, batch);
    await apply(tables.client, batch);
    expect(await counters('CAMPAIGN', CAMPAIGN)).toEqual({ dials: 2, noAnswer: 1, connects: 1 });
    expect(await counters('AGENT', 'agent-1')).toEqual({ dials: 1, connects: 1 });
    expect(await counters('TEAM', 'team-1')).toEqual({ dials: 1, connects: 1 });
  });

  it('a REMOVE (TTL, erasure) delivered anyway leaves the counts where they are', async () => {
    await writeAttempt('P3', 1, counted('agent-3', { dials: 1, connects: 1 }));
    const inserted = await records();
    await apply(tables.client, inserted);
    // The mapping's filter would drop it; a poller without the filter shows the handler ignores it too.
    const unfiltered = new LocalStreamPoller({
      endpoint: tables.endpoint,
      client: tables.client,
      tableName: tables.names.main,
      handler: async (event) => {
        captured.push(...event.Records);
      },
      filter: () => true,
    });
    await unfiltered.skipToEnd();
    await tables.client.send(new DeleteCommand({ TableName: tables.names.main, Key: attemptKey(CAMPAIGN, 'P3', 1) }));
    captured = [];
    await unfiltered.drain();
    unfiltered.close();
    expect(captured.map((r) => r.eventName)).toEqual(['REMOVE']);
    expect((await apply(tables.client, captured)).counting).toBe(0);
    expect(await counters('AGENT', 'agent-3')).toEqual({ dials: 1, connects: 1 });
  });

  it('a batch applied, then redelivered with more records appended, counts every record once', async () => {
    await writeAttempt('P4', 1, counted(undefined, { dials: 1 }));
    await writeAttempt('P4', 1, counted('agent-4', { dials: 1, connects: 1, talkSeconds: 60 }));
    const first = await records();
    await apply(tables.client, first);
    await writeAttempt('P4', 1, counted('agent-5', { dials: 1, connects: 1, talkSeconds: 65, refusals: 1 }));
    await writeAttempt('P5', 1, counted(undefined, { dials: 1, busy: 1 }));
    const more = await records();
    const result = await apply(tables.client, [...first, ...more]);
    expect(result).toMatchObject({ groups: 1, applied: 2 });
    expect(await counters('CAMPAIGN', CAMPAIGN)).toEqual({
      dials: 2,
      connects: 1,
      talkSeconds: 65,
      refusals: 1,
      busy: 1,
    });
    // The call moved from agent-4 to agent-5 (a later contact record named another agent).
    expect(await counters('AGENT', 'agent-4')).toEqual({ dials: 0, connects: 0, talkSeconds: 0 });
    expect(await counters('AGENT', 'agent-5')).toEqual({ dials: 1, connects: 1, talkSeconds: 65, refusals: 1 });
  });

  it('a batch redelivered shorter than one applied (never expected) is reported in a metric its alarm reads', async () => {
    await writeAttempt('R1', 1, counted(undefined, { dials: 1 }));
    await writeAttempt('R2', 1, counted(undefined, { dials: 1 }));
    const batch = await records();
    const emf = captureEmf();
    try {
      await apply(tables.client, batch);
      await apply(tables.client, batch.slice(0, 1));
    } finally {
      emf.stop();
    }
    expect(emf.documents.map((d) => emf.value(d, 'CounterBatchesShrunk'))).toEqual([0, 1]);
  });

  it('a function killed after its transaction committed: the redelivered batch counts nothing twice', async () => {
    for (let i = 0; i < 40; i++) await writeAttempt(`K${i}`, 1, counted(`agent-${i}`, { dials: 1, connects: 1 }));
    const batch = await records();
    const faulty = createDocumentClient({
      endpoint: tables.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // The transaction goes in and its answer is lost (40 calls touch 1 + 40 + 10 items: one group).
    const faults = injectFaults(
      faulty,
      { failAfter: { rate: 1, name: 'ThrottlingException' } },
      () => true,
      seededRandom(3),
    );
    await expect(apply(faulty, batch)).rejects.toThrow('injected');
    expect(faults.injected).toBe(1);
    await apply(tables.client, batch);
    faulty.destroy();
    expect(await counters('CAMPAIGN', CAMPAIGN)).toEqual({ dials: 40, connects: 40 });
    for (const i of [0, 17, 39]) expect(await counters('AGENT', `agent-${i}`)).toEqual({ dials: 1, connects: 1 });
    expect(await counters('TEAM', 'team-7')).toEqual({ dials: 4, connects: 4 });
    const first = batch[0]?.eventID as string;
    const { Item: marker } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: counterBatchKey(first), ConsistentRead: true }),
    );
    expect(marker?.expiresAt).toBe(Date.parse('2027-03-04T12:00:00Z') / 1000);
  });

  it('splits a batch touching more than 99 counter items into transactions of at most 100 actions', async () => {
    for (let i = 0; i < 120; i++) await writeAttempt(`S${i}`, 1, counted(`agent-${i}`, { dials: 1 }));
    const batch = await records();
    const result = await apply(tables.client, batch);
    // 1 campaign + 120 agents + 10 teams = 131 items: a group of 99 (the marker makes 100 actions), then the rest.
    expect(result).toMatchObject({ groups: 2, applied: 120 });
    expect(await counters('CAMPAIGN', CAMPAIGN)).toEqual({ dials: 120 });
    expect(await counters('TEAM', 'team-3')).toEqual({ dials: 12 });
    // Delivered again whole: every group's marker holds.
    expect((await apply(tables.client, batch)).applied).toBe(0);
    expect(await counters('CAMPAIGN', CAMPAIGN)).toEqual({ dials: 120 });
  });

  it('counts nothing of a write by the previous recorder, which counted in its own transaction', async () => {
    await writeAttempt('L1', 1, counted('agent-8', { dials: 1 }), false);
    await writeAttempt('L1', 1, counted('agent-8', { dials: 1, connects: 1 }));
    const batch = await records();
    await apply(tables.client, batch);
    // Only what this version added: the connect.
    expect(await counters('AGENT', 'agent-8')).toEqual({ connects: 1 });
  });
});

/** The blob as the previous recorder wrote it: no `s` mark (attempt-blob.ts). */
function legacyBlob(c: CounterContribution[]): Uint8Array {
  const [first, agent, team] = c;
  const compact = first && { d: first.day, v: first.values, ...(agent ? { a: agent.id, t: team?.id } : {}) };
  return deflateRawSync(JSON.stringify({ f: {}, c: compact ?? null }));
}
