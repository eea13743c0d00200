import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createContactRecordsHandler, createDispositionHandler } from '#functions/outcomes/handlers';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { dispositionFromAnotherAgent } from '#shared/domain/outcomes/disposition-agent';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { callInputs, SCENARIOS } from '#test/unit/outcomes/scenarios';

const disposition = { contactId: 'c', code: 'SALE', at: '2027-03-02T02:05:00.000Z' };

describe('dispositionFromAnotherAgent', () => {
  it('accepts the connected agent, refuses another or an anonymous one once the agent is known', () => {
    const known = { events: { contactId: 'c', types: ['CONNECTED_TO_AGENT'], agentId: 'agent-a' } };
    expect(dispositionFromAnotherAgent(known, { ...disposition, agentId: 'agent-a' })).toBe(false);
    expect(dispositionFromAnotherAgent(known, { ...disposition, agentId: 'agent-b' })).toBe(true);
    expect(dispositionFromAnotherAgent(known, disposition)).toBe(true);
    // The contact record is Connect's final word and outranks the events.
    const ctr = { ...known, ctr: { agentId: 'agent-b' } } as never;
    expect(dispositionFromAnotherAgent(ctr, { ...disposition, agentId: 'agent-b' })).toBe(false);
  });

  it('accepts while no agent is known yet, and anything that is not a disposition', () => {
    expect(dispositionFromAnotherAgent({}, { ...disposition, agentId: 'agent-b' })).toBe(false);
    expect(dispositionFromAnotherAgent({ events: { contactId: 'c', types: [], agentId: 'a' } }, undefined)).toBe(false);
  });
});

describe('the disposition flow Lambda', () => {
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
  const of = (kind: string) =>
    structuredClone(call.find((i) => i.kind === kind)?.payload) as {
      Details: { Parameters: Record<string, string> };
    };
  const kinesis = (payload: unknown): KinesisStreamEvent =>
    ({
      Records: [{ kinesis: { sequenceNumber: '1', data: Buffer.from(JSON.stringify(payload)).toString('base64') } }],
    }) as KinesisStreamEvent;

  it('refuses a disposition from an agent the call was not connected to and writes nothing', async () => {
    const { world, deps } = await setup();
    await createContactRecordsHandler(deps)(kinesis(of('ctr')), {} as Context);
    const before = JSON.stringify([...world.store.attempts.values()]);
    const forged = of('disposition');
    const own = forged.Details.Parameters.agentArn ?? '';
    expect(own).not.toBe('');
    forged.Details.Parameters.agentArn = own.replace(/agent\/[^/]+$/, 'agent/someone-else');
    expect(forged.Details.Parameters.agentArn).not.toBe(own);
    expect(await createDispositionHandler(deps)(forged)).toMatchObject({ status: 'forbidden' });
    expect(JSON.stringify([...world.store.attempts.values()])).toBe(before);
    // The connected agent's own disposition goes through.
    expect(await createDispositionHandler(deps)(of('disposition'))).toMatchObject({ status: 'recorded' });
  });
});
