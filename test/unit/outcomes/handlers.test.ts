import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  createCallStartHandler,
  createContactEventsHandler,
  createContactRecordsHandler,
  createDispositionHandler,
} from '#functions/outcomes/handlers';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { captureEmf } from '#test/unit/functions/emf';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { callInputs, SCENARIOS } from '#test/unit/outcomes/scenarios';

async function setup() {
  const world = memoryWorld();
  await world.seed(SCENARIOS[0] as (typeof SCENARIOS)[0]);
  const clock = new ManualClock('2027-03-02T02:10:00Z');
  const recorder = new OutcomeRecorder({ store: world.store, events: new InMemoryEventPublisher(), clock });
  return { world, deps: { recorder, clock } };
}

const call = callInputs({
  attempt: 1,
  contactId: 'h1',
  start: '2027-03-02T02:00:00.000Z',
  answered: 'agent',
  talkSeconds: 120,
  disposition: { code: 'NOT_INTERESTED' },
});
const of = (kind: string) => call.find((i) => i.kind === kind)?.payload;
const kinesis = (payloads: unknown[]): KinesisStreamEvent => ({
  Records: payloads.map((p, i) => ({
    eventSource: 'aws:kinesis',
    eventID: `shardId-000:${i}`,
    eventName: 'aws:kinesis:record',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:111122223333:stream/ctr',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'p',
      sequenceNumber: String(1000 + i),
      approximateArrivalTimestamp: 0,
      data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)).toString('base64'),
    },
  })),
});

describe('outcome handlers', () => {
  it('contact records: a broken record alone is reported as failed, the good one is recorded', async () => {
    const { world, deps } = await setup();
    const response = await createContactRecordsHandler(deps)(kinesis([of('ctr'), '{not json']), {} as Context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1001' }]);
    expect(world.store.attempts.size).toBe(1);
  });

  it('call start answers the screen-pop values as flat strings', async () => {
    const { deps } = await setup();
    const answer = await createCallStartHandler(deps)(of('callStart'));
    expect(answer).toEqual({ status: 'recorded', name: '张三', company: '乐源', scriptVersion: '1', attempt: '1' });
  });

  it('disposition: recorded, then a repeat changes nothing; a bad parameter is answered, not thrown', async () => {
    const { world, deps } = await setup();
    const handler = createDispositionHandler(deps);
    await createContactRecordsHandler(deps)(kinesis([of('ctr')]), {} as Context);
    expect(await handler(of('disposition'))).toMatchObject({
      status: 'recorded',
      unknownCode: 'false',
      contactState: 'doneRefused',
    });
    expect(await handler(of('disposition'))).toMatchObject({ status: 'unchanged' });
    const bad = structuredClone(of('disposition')) as { Details: { Parameters: Record<string, string> } };
    bad.Details.Parameters.callbackAt = 'tomorrow';
    expect((await handler(bad)).status).toBe('invalid');
    expect([...world.store.contacts.values()][0]?.state).toBe('doneRefused');
  });

  it('contact events: unknown shapes and uncorrelated contacts are dropped without error', async () => {
    const { world, deps } = await setup();
    const handler = createContactEventsHandler(deps);
    await expect(handler({ source: 'aws.connect', detail: 'nope' })).resolves.toBeUndefined();
    await expect(handler(of('event'))).resolves.toBeUndefined();
    expect(world.store.attempts.size).toBe(0);
  });

  it('metrics: Connects once for the write that counted the connect, Outcomes per record or disposition written', async () => {
    const { deps } = await setup();
    const emf = captureEmf();
    try {
      await createCallStartHandler(deps)(of('callStart'));
      await createContactRecordsHandler(deps)(kinesis([of('ctr')]), {} as Context);
      await createContactRecordsHandler(deps)(kinesis([of('ctr')]), {} as Context); // redelivered: nothing new
      await createDispositionHandler(deps)(of('disposition'));
    } finally {
      emf.stop();
    }
    // One document per invocation, each with Throttles (zero here) so a quiet function is still a data point.
    expect(emf.documents).toHaveLength(4);
    const sum = (name: string) => emf.documents.reduce((n, d) => n + (emf.value(d, name) ?? 0), 0);
    expect(emf.documents.every((d) => emf.value(d, 'Throttles') === 0)).toBe(true);
    expect(sum('Connects')).toBe(1);
    expect(sum('Outcomes')).toBe(2);
    expect(emf.value(emf.documents[2], 'Outcomes')).toBeUndefined();
  });
});
