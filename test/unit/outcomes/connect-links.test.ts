import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { callInputs, type RawInput, toOutcomeInput } from '#test/unit/outcomes/scenarios';

const T0 = '2027-03-02T02:00:00.000Z';

async function setUp() {
  const world = memoryWorld();
  await world.seed({ name: 'links', calls: [] });
  const recorder = new OutcomeRecorder({
    store: world.store,
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2027-03-02T12:00:00Z'),
  });
  const record = async (raw: RawInput | undefined) => {
    const input = raw && toOutcomeInput(raw);
    if (!input) throw new Error('no input');
    return recorder.record(input);
  };
  return { store: world.store, record };
}

describe('Connect contact id links (how contact events find their attempt)', () => {
  it('links the contact id when the call start names it, so the events that follow are recorded', async () => {
    const { store, record } = await setUp();
    const call = callInputs({ attempt: 1, contactId: 'k-answered', start: T0, answered: 'agent', talkSeconds: 90 });
    const event = call.find((i) => i.kind === 'event');
    expect((await record(event)).status).toBe('uncorrelated');
    await record(call.find((i) => i.kind === 'callStart'));
    expect(store.byConnectId.get('k-answered')).toMatchObject({ attempt: 1 });
    expect((await record(event)).status).toBe('recorded');
  });

  it('writes no link for an attempt whose first word is its contact record: events would add nothing to it', async () => {
    const { store, record } = await setUp();
    const call = callInputs({ attempt: 1, contactId: 'k-unanswered', start: T0, answered: 'none' });
    expect((await record(call.find((i) => i.kind === 'ctr'))).status).toBe('recorded');
    expect(store.byConnectId.has('k-unanswered')).toBe(false);
  });
});
