/**
 * Outcomes against DynamoDB Local (started on 127.0.0.1, a free port, stopped in `finally`):
 * - outcomes.ddbRequestsPerAttempt: DynamoDB requests (counted at the SDK client by a middleware) to record one
 *   attempt's final contact record with its counters and contact move, campaign read included once per container;
 * - outcomes.ddbRequestsPerDisposition: the same for the agent's disposition arriving after the record;
 * - outcomes.recordsPerSec: contact records processed per second, 10 in flight (as BatchProcessor runs a batch).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { agentKey, campaignKey, contactKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { OutcomeInput } from '#shared/use-cases/outcomes/inputs';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { AGENT_ID, callInputs, outcomesCampaign, TEAM_ID, toOutcomeInput } from '#test/unit/outcomes/scenarios';

export const goals = {
  'outcomes.ddbRequestsPerAttempt': { max: 4 },
  'outcomes.ddbRequestsPerDisposition': { max: 4 },
  'outcomes.recordsPerSec': { min: 50 },
};

const CONTACTS = 400;

interface Context {
  log?: (message: string) => void;
}

export default async function run(ctx: Context = {}): Promise<Record<string, number>> {
  const dynamo = await startDynamoDbLocal();
  try {
    const client = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let requests = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        requests++;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const names = { main: 'bench-outcomes-main', idempotency: 'bench-outcomes-idem' };
    await createTables(client, names);
    const campaign = outcomesCampaign();
    await client.send(new PutCommand({ TableName: names.main, Item: { ...campaignKey(campaign.id), ...campaign } }));
    await client.send(new PutCommand({ TableName: names.main, Item: { ...agentKey(AGENT_ID), teamId: TEAM_ID } }));
    const phoneKey = (i: number) => `bench${String(i).padStart(17, '0')}`;
    for (let i = 0; i < CONTACTS; i++) {
      await client.send(
        new PutCommand({
          TableName: names.main,
          Item: {
            ...contactKey(campaign.id, phoneKey(i)),
            campaignId: campaign.id,
            phoneKey: phoneKey(i),
            zone: 'Asia/Shanghai',
            state: 'dialing',
            attemptsByClass: {},
            dialing: { attempt: 1 },
          },
        }),
      );
    }
    const recorder = new OutcomeRecorder({
      store: new DynamoDbOutcomeStore({ client, tableName: names.main }),
      events: new InMemoryEventPublisher(),
      clock: new ManualClock('2027-03-02T12:00:00Z'),
    });
    const inputsOf = (i: number) =>
      callInputs({
        attempt: 1,
        contactId: `bench-${i}`,
        start: '2027-03-02T02:00:00.000Z',
        answered: 'agent',
        talkSeconds: 120,
        disposition: { code: 'NOT_INTERESTED' },
      }).map((raw) => {
        const input = toOutcomeInput(raw);
        if (!input) throw new Error('bench input did not parse');
        // Each contact is its own number.
        if (input.id) input.id = { ...input.id, phoneKey: phoneKey(i) };
        return { kind: raw.kind, input };
      });

    // Warm the campaign cache and the connection, as a running container would be.
    const warm = inputsOf(0).filter((x) => x.kind === 'ctr');
    await recorder.record(warm[0]?.input ?? (undefined as never));

    requests = 0;
    const one = inputsOf(1);
    const finalRecord = one.filter((x) => x.kind === 'ctr').at(-1)?.input;
    const disposition = one.find((x) => x.kind === 'disposition')?.input;
    if (!finalRecord || !disposition) throw new Error('bench scenario is missing inputs');
    await recorder.record(finalRecord);
    const perAttempt = requests;
    requests = 0;
    await recorder.record(disposition);
    const perDisposition = requests;

    const records: OutcomeInput[] = [];
    for (let i = 2; i < CONTACTS; i++) {
      const r = inputsOf(i)
        .filter((x) => x.kind === 'ctr')
        .at(-1)?.input;
      if (r) records.push(r);
    }
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < records.length) {
          const r = records[next++];
          if (r) await recorder.record(r);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    ctx.log?.(`outcomes: ${records.length} records in ${seconds.toFixed(2)} s`);
    client.destroy();
    return {
      'outcomes.ddbRequestsPerAttempt': perAttempt,
      'outcomes.ddbRequestsPerDisposition': perDisposition,
      'outcomes.recordsPerSec': Math.round(records.length / seconds),
    };
  } finally {
    await dynamo.stop();
  }
}
