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
import { dispositionAgentVerdict } from '#shared/domain/outcomes/disposition-agent';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { callInputs, SCENARIOS } from '#test/unit/outcomes/scenarios';

const disposition = { contactId: 'c', code: 'SALE', at: '2027-03-02T02:05:00.000Z' };

describe('dispositionAgentVerdict', () => {
  it('accepts the connected agent, refuses another or an anonymous one once the agent is known', () => {
    const known = { events: { contactId: 'c', types: ['CONNECTED_TO_AGENT'], agentId: 'agent-a' } };
    expect(dispositionAgentVerdict(known, { ...disposition, agentId: 'agent-a' })).toBe('ok');
    expect(dispositionAgentVerdict(known, { ...disposition, agentId: 'agent-b' })).toBe('anotherAgent');
    expect(dispositionAgentVerdict(known, disposition)).toBe('anotherAgent');
    // The contact record is Connect's final word and outranks the events.
    const ctr = { ...known, ctr: { contactId: 'c', lastUpdate: '2027-03-02T02:06:00.000Z', agentId: 'agent-b' } };
    expect(dispositionAgentVerdict(ctr, { ...disposition, agentId: 'agent-b' })).toBe('ok');
    expect(dispositionAgentVerdict(ctr, { ...disposition, agentId: 'agent-a' })).toBe('anotherAgent');
  });

  it('refuses for now while Connect has not reported the agent: nothing yet, or facts without an agent', () => {
    expect(dispositionAgentVerdict({}, { ...disposition, agentId: 'agent-b' })).toBe('notYetConnected');
    expect(dispositionAgentVerdict({}, disposition)).toBe('notYetConnected');
    const started = {
      callStart: { contactId: 'c', at: '2027-03-02T02:00:21.000Z' },
      events: { contactId: 'c', types: ['CONNECTED_TO_SYSTEM'] },
    };
    expect(dispositionAgentVerdict(started, { ...disposition, agentId: 'agent-a' })).toBe('notYetConnected');
  });

  it('refuses for good a call whose contact record names no agent: it never reached one', () => {
    const ctr = { ctr: { contactId: 'c', lastUpdate: '2027-03-02T02:06:00.000Z', disconnectReason: 'EXPIRED' } };
    expect(dispositionAgentVerdict(ctr, { ...disposition, agentId: 'agent-a' })).toBe('anotherAgent');
  });

  it('has nothing to say about inputs that are not dispositions', () => {
    expect(dispositionAgentVerdict({}, undefined)).toBe('ok');
    expect(dispositionAgentVerdict({ events: { contactId: 'c', types: [], agentId: 'a' } }, undefined)).toBe('ok');
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

  it('refuses a disposition before Connect has reported the agent, then accepts it once the agent is known', async () => {
    const { world, deps } = await setup();
    const handler = createDispositionHandler(deps);
    // The call reached the flow (call start), but no event naming the agent has arrived yet.
    await createCallStartHandler(deps)(of('callStart'));
    const before = JSON.stringify([...world.store.attempts.values()]);
    expect(await handler(of('disposition'))).toEqual({
      status: 'notYetConnected',
      error: 'notYetConnected',
      message: 'the call is not yet connected to you — try again in a moment',
    });
    expect(JSON.stringify([...world.store.attempts.values()])).toBe(before);
    expect([...world.store.contacts.values()][0]?.state).toBe('dialing');

    // Connect reports the agent (CONNECTED_TO_AGENT); the agent's second try goes through.
    const connected = call.find(
      (i) => i.kind === 'event' && JSON.stringify(i.payload).includes('CONNECTED_TO_AGENT'),
    )?.payload;
    expect(connected).toBeDefined();
    await createContactEventsHandler(deps)(connected);
    expect(await handler(of('disposition'))).toMatchObject({ status: 'recorded', contactState: 'doneRefused' });
    const attempt = [...world.store.attempts.values()][0];
    expect(attempt?.facts.disposition?.code).toBe('NOT_INTERESTED');
  });
});
