import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { AttemptId, OutcomeReadOptions, OutcomeSnapshot } from '#shared/ports/outcome-store';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { MemoryOutcomeStore } from '#test/unit/outcomes/memory-outcome-store';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { CAMPAIGN_ID, callInputs, PHONE_KEY, type RawInput, toOutcomeInput } from '#test/unit/outcomes/scenarios';

/**
 * The in-memory store, except that an eventually consistent read answers from a copy taken earlier (`freeze`): what
 * a lagging replica would answer. Consistent reads see the latest writes.
 */
class LaggingStore extends MemoryOutcomeStore {
  frozen: { attempts: MemoryOutcomeStore['attempts']; contacts: MemoryOutcomeStore['contacts'] } | undefined;
  readonly reads: boolean[] = [];
  /** Per read, whether it asked for the erasure mark. */
  readonly erasureAsked: boolean[] = [];

  freeze(): void {
    this.frozen = { attempts: structuredClone(this.attempts), contacts: structuredClone(this.contacts) };
  }

  override async read(id: AttemptId, options: OutcomeReadOptions): Promise<OutcomeSnapshot> {
    const consistent = options.consistent ?? true;
    this.reads.push(consistent);
    this.erasureAsked.push(options.erasure === true);
    const live = await super.read(id, options);
    if (consistent || !this.frozen) return live;
    const attempt = this.frozen.attempts.get(`${id.campaignId}.${id.phoneKey}.${id.attempt}`);
    const contact = this.frozen.contacts.get(`${id.campaignId}|${id.phoneKey}`);
    return { ...live, attempt: attempt && structuredClone(attempt), contact: contact && structuredClone(contact) };
  }
}

async function setUp(freezeBeforeSeed: boolean) {
  const store = new LaggingStore();
  if (freezeBeforeSeed) store.freeze();
  // The campaign, the agent's team and the contact dialing attempt 1, as the replay world seeds them.
  const seeded = memoryWorld();
  await seeded.seed({ name: 'stale', calls: [] });
  for (const [k, v] of seeded.store.campaigns) store.campaigns.set(k, v);
  for (const [k, v] of seeded.store.agentTeams) store.agentTeams.set(k, v);
  for (const [k, v] of seeded.store.contacts) store.contacts.set(k, v);
  const recorder = new OutcomeRecorder({
    store,
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2027-03-02T12:00:00Z'),
  });
  const record = (raw: RawInput | undefined) => {
    const input = raw && toOutcomeInput(raw);
    if (!input) throw new Error('no input');
    return recorder.record(input);
  };
  return { store, record };
}

const T0 = '2027-03-02T02:00:00.000Z';
const contactOf = (store: MemoryOutcomeStore) => store.contacts.get(`${CAMPAIGN_ID}|${PHONE_KEY}`);

describe('an eventually consistent first read', () => {
  it('is all an input needs when the write conditions check what it read: one read, one write', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({ attempt: 1, contactId: 'fresh', start: T0, answered: 'none' });
    expect((await record(call.find((i) => i.kind === 'ctr'))).status).toBe('recorded');
    expect(store.reads).toEqual([false]);
    expect(contactOf(store)?.state).toBe('retryWait');
  });

  it('does not leave the contact alone on a stale copy that is not the attempt’s: it reads again and moves it', async () => {
    // The replica has not seen the contact yet (nor the dispatcher's mark).
    const { store, record } = await setUp(true);
    const call = callInputs({ attempt: 1, contactId: 'lag-contact', start: T0, answered: 'none' });
    const result = await record(call.find((i) => i.kind === 'ctr'));
    expect(result).toMatchObject({ status: 'recorded', contactState: 'retryWait' });
    expect(store.reads).toEqual([false, true]);
    expect(contactOf(store)?.state).toBe('retryWait');
  });

  it('refuses a disposition only on a consistent read: a stale attempt without the agent is read again', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({
      attempt: 1,
      contactId: 'lag-agent',
      start: T0,
      answered: 'agent',
      talkSeconds: 60,
      disposition: { code: 'NOT_INTERESTED' },
    });
    await record(call.find((i) => i.kind === 'callStart'));
    store.freeze(); // the replica knows the call start, not the agent's connection
    await record(call.find((i) => i.kind === 'event' && JSON.stringify(i.payload).includes('CONNECTED_TO_AGENT')));
    store.reads.length = 0;
    const result = await record(call.find((i) => i.kind === 'disposition'));
    expect(result.status).toBe('recorded');
    expect(store.reads).toEqual([false, true]);
  });

  it('a stale attempt fails its version condition, and the consistent re-read keeps every fact', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({ attempt: 1, contactId: 'lag-version', start: T0, answered: 'agent', talkSeconds: 60 });
    await record(call.find((i) => i.kind === 'callStart'));
    store.freeze();
    await record(call.find((i) => i.kind === 'event' && JSON.stringify(i.payload).includes('CONNECTED_TO_AGENT')));
    store.reads.length = 0;
    expect((await record(call.find((i) => i.kind === 'ctr'))).status).toBe('recorded');
    expect(store.reads).toEqual([false, true]);
    const attempt = store.attempts.get(`${CAMPAIGN_ID}.${PHONE_KEY}.1`);
    expect(attempt?.facts.callStart).toBeDefined();
    expect(attempt?.facts.events?.types).toContain('CONNECTED_TO_AGENT');
    expect(attempt?.facts.ctr).toBeDefined();
  });
});

describe('a contact gone when its call’s input arrives', () => {
  it('of a person erased meanwhile: nothing is written, and the erasure mark is read only on the consistent re-read', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({ attempt: 1, contactId: 'erased', start: T0, answered: 'none' });
    store.contacts.delete(`${CAMPAIGN_ID}|${PHONE_KEY}`);
    store.erased.add(PHONE_KEY);
    expect(await record(call.find((i) => i.kind === 'ctr'))).toEqual({
      status: 'erased',
      id: { campaignId: CAMPAIGN_ID, phoneKey: PHONE_KEY, attempt: 1 },
    });
    expect(store.reads).toEqual([false, true]);
    expect(store.erasureAsked).toEqual([false, true]);
    expect(store.attempts.size).toBe(0);
  });

  it('of a person erased while an input wrote its attempt: that attempt and its link are deleted, nothing written', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({ attempt: 1, contactId: 'raced', start: T0, answered: 'agent', talkSeconds: 30 });
    await record(call.find((i) => i.kind === 'callStart'));
    expect(store.byConnectId.has('raced')).toBe(true);
    store.contacts.delete(`${CAMPAIGN_ID}|${PHONE_KEY}`);
    store.erased.add(PHONE_KEY);
    store.reads.length = 0;
    const connected = call.find((i) => i.kind === 'event' && JSON.stringify(i.payload).includes('CONNECTED_TO_AGENT'));
    expect((await record(connected)).status).toBe('erased');
    expect(store.attempts.size).toBe(0);
    expect(store.byConnectId.has('raced')).toBe(false);
    expect(store.reads).toEqual([false, true]);
  });

  it('of a person not erased (the campaign’s data expired, say): the attempt is recorded as before', async () => {
    const { store, record } = await setUp(false);
    const call = callInputs({ attempt: 1, contactId: 'expired', start: T0, answered: 'none' });
    store.contacts.delete(`${CAMPAIGN_ID}|${PHONE_KEY}`);
    expect((await record(call.find((i) => i.kind === 'ctr'))).status).toBe('recorded');
    expect(store.erasureAsked).toEqual([false, true]);
    expect(store.attempts.size).toBe(1);
  });

  it('a contact present costs no erasure read', async () => {
    const { store, record } = await setUp(false);
    store.erased.add(PHONE_KEY); // marked, the contact not deleted yet: the recorder does not look
    const call = callInputs({ attempt: 1, contactId: 'present', start: T0, answered: 'none' });
    expect((await record(call.find((i) => i.kind === 'ctr'))).status).toBe('recorded');
    expect(store.erasureAsked).toEqual([false]);
  });
});
