import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCallStartHandler,
  createContactEventsHandler,
  createDispositionHandler,
} from '#functions/outcomes/handlers';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import {
  attemptKey,
  campaignKey,
  contactKey,
  counterKey,
  dueShard,
  phonePartition,
} from '#shared/adapters/dynamodb/keys';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { DynamoDbSubjectStore } from '#shared/adapters/dynamodb/subject-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { DEFAULT_DISPOSITIONS } from '#shared/domain/campaign';
import type { OutcomeInput } from '#shared/use-cases/outcomes/inputs';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { dynamoWorld as sharedDynamoWorld } from '#test/integration/helpers/outcome-world';
import { useTestTables } from '#test/integration/helpers/tables';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { inOrder, replay, shuffledTwice } from '#test/unit/outcomes/replay';
import {
  AGENT_ID,
  CAMPAIGN_ID,
  callInputs,
  outcomesCampaign,
  PHONE_KEY,
  type RawInput,
  SCENARIOS,
  type Scenario,
  TEAM_ID,
  toOutcomeInput,
} from '#test/unit/outcomes/scenarios';

const tables = useTestTables('outcomes', { streams: true });

/** The replay world on this file's tables (test/integration/helpers/outcome-world.ts). */
const dynamoWorld = () => sharedDynamoWorld(tables.client, tables.names.main, { endpoint: tables.endpoint });
const contactItem = async () =>
  (
    await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: contactKey(CAMPAIGN_ID, PHONE_KEY), ConsistentRead: true }),
    )
  ).Item as Record<string, unknown>;

/** The first scenario's contact seeded, a recorder on it at `at`, and the flow handlers' deps. */
async function recorderWorld(at = '2027-03-02T02:10:00Z') {
  const world = dynamoWorld();
  await world.seed(SCENARIOS[0] as Scenario);
  const clock = new ManualClock(at);
  const recorder = new OutcomeRecorder({ store: world.store, events: new InMemoryEventPublisher(), clock });
  return { world, clock, recorder, deps: { recorder, clock } };
}

/** A call's input of `kind` (of a contact event, the first of `eventType`). */
const pick = (call: RawInput[], kind: RawInput['kind'], eventType?: string) =>
  call.find((i) => i.kind === kind && (!eventType || JSON.stringify(i.payload).includes(eventType))) as RawInput;

/** The sort keys of the test number's partition, read consistently. */
async function partitionSortKeys(): Promise<unknown[]> {
  const out = await tables.client.send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': phonePartition(PHONE_KEY) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => i.sk);
}

describe('outcomes on DynamoDB Local', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: same end as the in-memory reference, in order and shuffled twice over`, async () => {
      const reference = await replay(memoryWorld(), scenario, inOrder);
      const ordered = await replay(dynamoWorld(), scenario, inOrder);
      expect(ordered.observed).toEqual(reference.observed);
      expect(ordered.orderIds).toEqual(reference.orderIds);
      const size = scenario.calls.reduce((n, c) => Math.max(n, c.length), 0) * 2 + 3;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(1000), { minLength: size, maxLength: size }),
          fc.nat(3),
          async (keys, late) => {
            const shuffled = await replay(dynamoWorld(), scenario, shuffledTwice(keys, late));
            expect(shuffled.observed).toEqual(reference.observed);
          },
        ),
        { numRuns: 3 },
      );
    });
  }
});

describe('a disposition before Amazon Connect has reported the agent, on DynamoDB Local', () => {
  it('is refused with a reason to try again and writes nothing; the same disposition is accepted once the agent is known', async () => {
    const { world, deps } = await recorderWorld();
    const call = callInputs({
      attempt: 1,
      contactId: 'early-dispo',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 120,
      disposition: { code: 'NOT_INTERESTED' },
    });
    const payload = (kind: RawInput['kind'], eventType?: string) => pick(call, kind, eventType).payload;
    const attemptItems = async () =>
      (
        await tables.client.send(
          new QueryCommand({
            TableName: tables.names.main,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': phonePartition(PHONE_KEY), ':sk': `CONTACT#${CAMPAIGN_ID}#ATTEMPT#` },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];

    // The call reached the flow; no event has named the agent yet.
    expect(await createCallStartHandler(deps)(payload('callStart'))).toMatchObject({ status: 'recorded' });
    const before = await attemptItems();
    expect(before).toHaveLength(1);

    const dispose = createDispositionHandler(deps);
    expect(await dispose(payload('disposition'))).toEqual({
      status: 'notYetConnected',
      error: 'notYetConnected',
      message: 'the call is not yet connected to you — try again in a moment',
    });
    expect(await attemptItems()).toEqual(before);
    expect((await world.observe()) as { contacts: { state: string }[] }).toMatchObject({
      contacts: [{ state: 'dialing' }],
    });

    // CONNECTED_TO_AGENT arrives (correlated by the contact id the call start recorded); the agent tries again.
    await createContactEventsHandler(deps)(payload('event', 'CONNECTED_TO_AGENT'));
    expect(await dispose(payload('disposition'))).toMatchObject({ status: 'recorded', contactState: 'doneRefused' });
    const [attempt] = await attemptItems();
    expect(attempt?.disposition).toBe('NOT_INTERESTED');
    const stored = await world.store.read(
      { campaignId: CAMPAIGN_ID, phoneKey: PHONE_KEY, attempt: 1 },
      { campaign: false },
    );
    expect(stored.attempt?.facts.disposition).toMatchObject({ code: 'NOT_INTERESTED', agentId: AGENT_ID });
    expect((await world.observe()) as { contacts: { state: string }[] }).toMatchObject({
      contacts: [{ state: 'doneRefused' }],
    });
  });
});

describe('a contact move written after its attempt, on DynamoDB Local', () => {
  /** The document client, with a hook on each contact update (not the attempt's) before it is sent. */
  const hookedClient = (onContactUpdate: (version: unknown) => Promise<void>) =>
    ({
      send: async (command: {
        input: { Key?: { sk?: string }; ExpressionAttributeValues?: Record<string, unknown> };
      }) => {
        const { Key, ExpressionAttributeValues } = command.input;
        if (command instanceof UpdateCommand && Key?.sk?.startsWith('CONTACT#') && !Key.sk.includes('#ATTEMPT#'))
          await onContactUpdate(ExpressionAttributeValues?.[':v']);
        return tables.client.send(command as never);
      },
    }) as unknown as typeof tables.client;
  const recorderOn = (client: typeof tables.client) =>
    new OutcomeRecorder({
      store: new DynamoDbOutcomeStore({ client, tableName: tables.names.main }),
      events: new InMemoryEventPublisher(),
      clock: new ManualClock('2027-03-02T12:00:00Z'),
    });
  const inputsOf = (scenario: Scenario) =>
    (scenario.calls[0] ?? []).map((raw) => toOutcomeInput(raw)).filter((i): i is OutcomeInput => i !== undefined);

  it('is moved by the redelivered input when the function died between the two writes', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'busy') as Scenario;
    const reference = await replay(memoryWorld(), scenario, inOrder);
    const world = dynamoWorld();
    await world.seed(scenario);
    let killed = 0;
    const dying = recorderOn(
      hookedClient(async () => {
        killed++;
        throw new Error('the function was killed');
      }),
    );
    // Its contact event finds no attempt yet (no call start names the contact id): the contact record moves it.
    const input = toOutcomeInput((scenario.calls[0] ?? []).find((raw) => raw.kind === 'ctr') as RawInput);
    await expect(dying.record(input as OutcomeInput)).rejects.toThrow(/killed/);
    expect(killed).toBe(1);
    expect((await world.observe()) as { contacts: { state: string }[] }).toMatchObject({
      contacts: [{ state: 'dialing' }],
    });
    // The same input again (Lambda's retry): the attempt holds it already, the contact does not match its plan yet.
    expect(await recorderOn(tables.client).record(input as OutcomeInput)).toMatchObject({ status: 'recorded' });
    expect(await world.observe()).toEqual(reference.observed);
  });

  it("never puts back an older version's plan over a newer one that overtook it", async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'answered and sold') as Scenario;
    const reference = await replay(memoryWorld(), scenario, inOrder);
    const world = dynamoWorld();
    await world.seed(scenario);
    const inputs = inputsOf(scenario);
    const fast = recorderOn(tables.client);
    // Call start, agent connected, end: the attempt only.
    for (const input of inputs.slice(0, 3)) await fast.record(input);
    // The contact record before the disposition plans a retry (version 4); its contact write is held up…
    let arrived: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let heldVersion: unknown;
    const slow = recorderOn(
      hookedClient(async (version) => {
        heldVersion = version;
        arrived();
        await gate;
      }),
    ).record(inputs[3] as OutcomeInput);
    await held;
    expect(heldVersion).toBe(4);
    // …while the disposition (version 5) reads attempt 4, moves the contact to its final state and returns.
    expect(await fast.record(inputs[4] as OutcomeInput)).toMatchObject({
      status: 'recorded',
      contactState: 'doneSuccess',
    });
    release();
    expect(await slow).toMatchObject({ status: 'recorded' });
    expect((await world.observe()) as { contacts: { state: string }[] }).toMatchObject({
      contacts: [{ state: 'doneSuccess' }],
    });
    for (const input of inputs.slice(5)) await fast.record(input);
    expect(await world.observe()).toEqual(reference.observed);
  });
});

describe('an attempt item written before issue 11, on DynamoDB Local', () => {
  it('is rewritten in the compact shape on its next input, out of the ALL indexes, its counts neither lost nor doubled', async () => {
    const world = dynamoWorld();
    const scenario = SCENARIOS[0] as Scenario;
    await world.seed(scenario);
    const { client, names } = tables;
    const call = callInputs({
      attempt: 1,
      contactId: 'legacy-1',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 90,
    });
    const input = (kind: string) => toOutcomeInput(call.find((i) => i.kind === kind) as RawInput) as OutcomeInput;
    const day = '2027-03-02';
    // The old recorder counted the dial at call start, on an item in gsi1 and gsi2 that kept its identity and team agent.
    const counted = [{ scope: 'CAMPAIGN', id: CAMPAIGN_ID, day, values: { dials: 1, firstDials: 1 } }];
    await client.send(
      new PutCommand({
        TableName: names.main,
        Item: {
          ...attemptKey(CAMPAIGN_ID, PHONE_KEY, 1),
          campaignId: CAMPAIGN_ID,
          phoneKey: PHONE_KEY,
          attempt: 1,
          version: 1,
          facts: input('callStart').facts,
          counted,
          team: TEAM_ID,
          teamAgentId: AGENT_ID,
          startedAt: '2027-03-02T02:00:21.000Z',
          gsi1pk: `AGENTDAY#${AGENT_ID}#${day}`,
          gsi1sk: `2027-03-02T02:00:21.000Z#${CAMPAIGN_ID}#${PHONE_KEY}`,
          gsi2pk: 'CONNECT#legacy-1',
          gsi2sk: 'ATTEMPT',
        },
      }),
    );
    await client.send(
      new PutCommand({
        TableName: names.main,
        Item: { ...counterKey('CAMPAIGN', CAMPAIGN_ID, day), dials: 1, firstDials: 1 },
      }),
    );
    const recorder = new OutcomeRecorder({
      store: world.store,
      events: new InMemoryEventPublisher(),
      clock: new ManualClock('2027-03-02T12:00:00Z'),
    });
    expect((await recorder.record(input('ctr'))).status).toBe('recorded');

    const { Item: item } = await client.send(
      new GetCommand({ TableName: names.main, Key: attemptKey(CAMPAIGN_ID, PHONE_KEY, 1), ConsistentRead: true }),
    );
    for (const gone of ['gsi1pk', 'gsi2pk', 'facts', 'counted', 'teamAgentId', 'campaignId', 'startedAt'])
      expect(item).not.toHaveProperty(gone);
    expect(item).toMatchObject({ gsi3pk: `AGENTDAY#${AGENT_ID}#${day}`, agentId: AGENT_ID, version: 2 });
    const stored = await world.store.read(
      { campaignId: CAMPAIGN_ID, phoneKey: PHONE_KEY, attempt: 1 },
      { campaign: false },
    );
    expect(stored.attempt).toMatchObject({ team: TEAM_ID, teamAgentId: AGENT_ID });
    const observed = (await world.observe()) as { counters: Record<string, Record<string, number>> };
    expect(observed.counters[`CAMPAIGN#${CAMPAIGN_ID}#${day}`]).toMatchObject({ dials: 1, firstDials: 1, connects: 1 });
    expect(observed.counters[`AGENT#${AGENT_ID}#${day}`]).toMatchObject({ dials: 1, firstDials: 1, connects: 1 });
  });
});

describe('a call in flight when its person is erased, on DynamoDB Local', () => {
  it('writes nothing about the person afterwards: no attempt reappears, the agent is told, nothing more is counted', async () => {
    const { world, clock, recorder, deps } = await recorderWorld();
    const call = callInputs({
      attempt: 1,
      contactId: 'erased-in-flight',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 90,
      disposition: { code: 'NOT_INTERESTED' },
    });
    const raw = (kind: RawInput['kind'], eventType?: string) => pick(call, kind, eventType);
    // The call starts and reaches the agent; then an admin erases the person.
    expect(await createCallStartHandler(deps)(raw('callStart').payload)).toMatchObject({ status: 'recorded' });
    await createContactEventsHandler(deps)(raw('event', 'CONNECTED_TO_AGENT').payload);
    const counted = await world.observe();
    const subjects = new DynamoDbSubjectStore({ client: tables.client, tableName: tables.names.main });
    const at = clock.now().toISOString();
    await subjects.suppress(PHONE_KEY, { source: 'erasure', at, by: 'admin-1', how: 'test' });
    await subjects.erase(PHONE_KEY, await subjects.find(PHONE_KEY), at);
    expect(await partitionSortKeys()).toEqual(['STATUS']);

    // The rest of the call arrives: the disconnect, the agent's disposition, the contact record (twice).
    await createContactEventsHandler(deps)(raw('event', 'DISCONNECTED').payload);
    expect(await createDispositionHandler(deps)(raw('disposition').payload)).toEqual({
      status: 'erased',
      message: 'the customer’s data was erased at their request: nothing about this call is kept',
    });
    const record = toOutcomeInput(raw('ctr')) as OutcomeInput;
    expect(await recorder.record(record)).toMatchObject({ status: 'erased' });
    expect(await recorder.record(record)).toMatchObject({ status: 'erased' });
    expect(await partitionSortKeys()).toEqual(['STATUS']);
    // Counting is at call end, so the call had counted nothing; the late contact record adds nothing either.
    const after = (await world.observe()) as { counters: unknown; dnc: unknown };
    expect(after.counters).toEqual((counted as { counters: unknown }).counters);
    expect(after.dnc).toMatchObject({ source: 'erasure', by: 'admin-1' });
  });
});

describe('an input racing the erasure of its person, on DynamoDB Local', () => {
  it('an attempt written between the erasure’s read and its deletes is taken away by the next input of the call', async () => {
    const { world, clock, recorder, deps } = await recorderWorld();
    const call = callInputs({
      attempt: 1,
      contactId: 'erasure-race',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent',
      talkSeconds: 30,
    });
    const raw = (kind: RawInput['kind'], eventType?: string) => pick(call, kind, eventType);
    const subjects = new DynamoDbSubjectStore({ client: tables.client, tableName: tables.names.main });
    const at = clock.now().toISOString();
    await subjects.suppress(PHONE_KEY, { source: 'erasure', at, by: 'admin-1', how: 'test' });
    const found = await subjects.find(PHONE_KEY);
    // The call start lands after the erasure's read (which found no attempt) and before its deletes.
    expect(await createCallStartHandler(deps)(raw('callStart').payload)).toMatchObject({ status: 'recorded' });
    await subjects.erase(PHONE_KEY, found, at);
    expect(await partitionSortKeys()).toEqual([`CONTACT#${CAMPAIGN_ID}#ATTEMPT#001`, 'STATUS']);

    // The agent's connection finds the attempt by its contact id, its contact gone and the number erased.
    await createContactEventsHandler(deps)(raw('event', 'CONNECTED_TO_AGENT').payload);
    expect(await partitionSortKeys()).toEqual(['STATUS']);
    expect(await world.store.findByConnectContactId('erasure-race')).toBeUndefined();
    expect(await recorder.record(toOutcomeInput(raw('ctr')) as OutcomeInput)).toMatchObject({ status: 'erased' });
    expect(await partitionSortKeys()).toEqual(['STATUS']);
  });
});

describe('a late input of attempt n-1 after the reconciler settled attempt n, on DynamoDB Local', () => {
  it('does not move the contact the reconciler made exhausted (attempt 2 expired) back to a retry', async () => {
    const { world, clock, recorder } = await recorderWorld('2027-03-02T03:00:00Z');
    // Attempt 1: no answer -> retryWait, outcomeAttempt 1.
    const call1 = callInputs({ attempt: 1, contactId: 'r-a1', start: '2027-03-02T02:00:00.000Z', answered: 'none' });
    const ctr1 = toOutcomeInput(call1.find((i) => i.kind === 'ctr') as RawInput) as OutcomeInput;
    expect(await recorder.record(ctr1)).toMatchObject({ status: 'recorded', contactState: 'retryWait' });
    // The dispatcher dials attempt 2 (its mark leaves outcomeAttempt/outcomeVersion alone).
    await world.markDialing(2);
    // Nothing comes back for attempt 2: the reconciler settles it as expired; here the expired class is used up,
    // so it ends the contact (the move reconcile.ts builds: kind final, state exhausted).
    const dialing = new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main });
    const ref = {
      campaignId: CAMPAIGN_ID,
      phoneKey: PHONE_KEY,
      zone: 'Asia/Shanghai',
      shard: dueShard(PHONE_KEY),
      priority: 0,
      dueAt: '2027-03-02T03:30:00.000Z',
      dueSk: '',
    };
    const moved = await dialing.move(
      [
        {
          ref,
          from: { attempt: 2 },
          to: {
            kind: 'final',
            state: 'exhausted',
            reason: 'expired: policy allows no more',
            attemptsByClass: { noAnswer: 1, expired: 1 },
          },
        },
      ],
      '2027-03-02T04:00:00.000Z',
    );
    expect(moved).toBe(1);
    const settled = await contactItem();
    expect(settled).toMatchObject({ state: 'exhausted' });
    // No attempt owns the contact once the dialer has taken it further.
    expect(settled.outcomeAttempt).toBeUndefined();

    // Attempt 1's contact record again (Kinesis redelivery / replay of ContactRecordFailures / a later CTR version).
    clock.set('2027-03-02T05:00:00Z');
    const again = await recorder.record(ctr1);
    const after = await contactItem();
    // An earlier attempt never moves the contact backwards.
    expect({ status: again.status, state: after.state, duePk: after.duePk }).toEqual({
      status: 'unchanged',
      state: 'exhausted',
      duePk: undefined,
    });
  });
});

describe('a callback time outside the customer window, on DynamoDB Local', () => {
  it('is refused also when the same time was first sent with a code that books no callback', async () => {
    const { clock, recorder, deps } = await recorderWorld();
    // 23:30 in Shanghai: outside the 09:00-21:00 window.
    const outside = '2027-03-02T23:30:00+08:00';
    const base = {
      attempt: 1,
      contactId: 'r-cb',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent' as const,
      talkSeconds: 90,
    };
    const first = callInputs({ ...base, disposition: { code: 'DEVELOPABLE', callbackAt: outside } });
    const second = callInputs({ ...base, disposition: { code: 'CALLBACK', callbackAt: outside } });
    await recorder.record(toOutcomeInput(pick(first, 'callStart')) as OutcomeInput);
    await recorder.record(toOutcomeInput(pick(first, 'event', 'CONNECTED_TO_AGENT')) as OutcomeInput);
    const dispose = createDispositionHandler(deps);
    // Sent alone, the callback is refused.
    const direct = await dispose(pick(second, 'disposition').payload);
    expect(direct).toMatchObject({ status: 'callbackRefused' });
    // The agent first picks DEVELOPABLE (the time is kept unchecked), then corrects the code to CALLBACK.
    expect(await dispose(pick(first, 'disposition').payload)).toMatchObject({ status: 'recorded' });
    clock.advance(60_000);
    const corrected = await dispose(pick(second, 'disposition').payload);
    const contact = await contactItem();
    // The time was stored unchecked with DEVELOPABLE; as a callback it is checked, and refused.
    expect({ status: corrected.status, state: contact.state, dueAt: contact.dueAt }).toEqual({
      status: 'callbackRefused',
      state: 'retryWait',
      dueAt: expect.any(String),
    });
  });
});

describe("a complaint under a campaign's own disposition code, on DynamoDB Local", () => {
  it('is flagged on the attempt, whatever its code, so QA samples it; a corrected code takes the flags away', async () => {
    const { recorder } = await recorderWorld();
    // The campaign's catalog names its complaint 客诉 instead of the default COMPLAINT.
    const complaint = DEFAULT_DISPOSITIONS.find((d) => d.code === 'COMPLAINT');
    await tables.client.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: {
          ...campaignKey(CAMPAIGN_ID),
          ...outcomesCampaign(),
          dispositions: [...DEFAULT_DISPOSITIONS, { ...complaint, code: 'KESU', label: '客诉' }],
        },
      }),
    );
    const base = {
      attempt: 1,
      contactId: 'r-kesu',
      start: '2027-03-02T02:00:00.000Z',
      answered: 'agent' as const,
      talkSeconds: 90,
    };
    const call = callInputs({ ...base, disposition: { code: 'KESU' } });
    for (const input of call) await recorder.record(toOutcomeInput(input) as OutcomeInput);
    const attemptItem = async () =>
      (
        await tables.client.send(
          new GetCommand({
            TableName: tables.names.main,
            Key: attemptKey(CAMPAIGN_ID, PHONE_KEY, 1),
            ConsistentRead: true,
          }),
        )
      ).Item as Record<string, unknown>;
    expect(await attemptItem()).toMatchObject({ disposition: 'KESU', complaint: true, doNotCall: true });
    const qa = new DynamoDbQaStore({ client: tables.client, tableName: tables.names.main });
    const [sampled] = await qa.attemptsOfAgentDay(AGENT_ID, '2027-03-02');
    expect(sampled).toMatchObject({ complaint: true, dnc: true });

    // The agent corrects the code to one that is neither (a later disposition wins).
    const corrected = pick(callInputs({ ...base, disposition: { code: 'NOT_INTERESTED' } }), 'disposition');
    const later = new Date(Date.parse(corrected.at ?? '') + 60_000).toISOString();
    await recorder.record(toOutcomeInput({ ...corrected, at: later }) as OutcomeInput);
    const after = await attemptItem();
    expect(after.disposition).toBe('NOT_INTERESTED');
    expect(after).not.toHaveProperty('complaint');
    expect(after).not.toHaveProperty('doNotCall');
  });
});
