import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { counterKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { ConflictError } from '#shared/domain/errors';
import { DEFAULT_SCORECARD_SPEC, scorecardItems, scorecardSpecSchema } from '#shared/domain/qa/scorecard';
import { claimItem, listQueue, reviseEvaluation, submitEvaluation } from '#shared/use-cases/qa/evaluations';
import { sampleTeamDay } from '#shared/use-cases/qa/sampling';
import type { QaDeps } from '#shared/use-cases/qa/scorecards';
import { seedAgent, seedAttempts } from '#test/integration/helpers/qa-seed';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('qa');
let deps: QaDeps;
const DAY = '2026-03-02';
const CAMPAIGN = 'c-qaspring00001';

beforeAll(() => {
  deps = {
    store: new DynamoDbQaStore({ client: tables.client, tableName: tables.names.main }),
    clock: new ManualClock('2026-03-03T01:30:00.000Z'),
  };
});

const card = scorecardSpecSchema.parse(DEFAULT_SCORECARD_SPEC);
const fullMarks = scorecardItems(card).map(({ item }) => ({ itemId: item.id, value: item.maxPoints }));

describe('QA on DynamoDB Local', () => {
  it('samples a day reproducibly, links the call, and a rerun queues nothing twice', async () => {
    await seedAgent(tables.client, tables.names.main, 'ts', 'ag-s1');
    await seedAgent(tables.client, tables.names.main, 'ts', 'ag-s2', DAY); // new: a larger share
    await seedAttempts(tables.client, tables.names.main, CAMPAIGN, 'ag-s1', DAY, 40, (i) =>
      i === 3 ? { complaint: true, recording: `s3://recordings/connect/${i}.wav` } : {},
    );
    await seedAttempts(tables.client, tables.names.main, CAMPAIGN, 'ag-s2', DAY, 40);
    const first = await sampleTeamDay(deps, { teamId: 'ts', day: DAY, seed: 'seed-1' });
    // ag-s1: the complaint + max(2, 5 % of 40 = 2); ag-s2 (new): max(4, 10 % of 40 = 4)
    expect(first).toMatchObject({ agents: 2, calls: 80, sampled: 7, added: 7, alreadyQueued: 0 });
    const again = await sampleTeamDay(deps, { teamId: 'ts', day: DAY, seed: 'seed-1' });
    expect(again).toMatchObject({ sampled: 7, added: 0, alreadyQueued: 7 });

    const page = await listQueue(deps, { id: 'qa-1', roles: ['qa'] }, { day: DAY, teamId: 'ts', limit: 50 });
    expect(page.items).toHaveLength(7);
    const complaint = page.items.find((i) => i.reasons.includes('complaint'));
    expect(complaint).toMatchObject({
      agentId: 'ag-s1',
      campaignId: CAMPAIGN,
      connectContactId: 'contact-ag-s1-3',
      disposition: 'SALE',
      talkSeconds: 180,
      recording: { bucket: 'recordings', key: 'connect/3.wav' },
      state: 'queued',
      sampleSeed: `${DAY}|ts|ag-s1|seed-1`,
    });
    // Filters narrow by agent within a campaign; paging returns every item once.
    const agentOnly = await listQueue(
      deps,
      { id: 'qa-1', roles: ['qa'] },
      { day: DAY, teamId: 'ts', campaignId: CAMPAIGN, agentId: 'ag-s2', limit: 50 },
    );
    expect(agentOnly.items.map((i) => i.agentId)).toEqual(['ag-s2', 'ag-s2', 'ag-s2', 'ag-s2']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await listQueue(deps, { id: 'qa-1', roles: ['qa'] }, { day: DAY, teamId: 'ts', limit: 3, cursor });
      seen.push(...p.items.map((i) => i.attemptRef));
      cursor = p.cursor;
    } while (cursor);
    expect(seen).toEqual(page.items.map((i) => i.attemptRef));
  });

  it('lets exactly one of many concurrent claims win', async () => {
    await seedAgent(tables.client, tables.names.main, 'tr', 'ag-r1');
    await seedAttempts(tables.client, tables.names.main, CAMPAIGN, 'ag-r1', DAY, 2);
    await sampleTeamDay(deps, { teamId: 'tr', day: DAY });
    const [item] = (await listQueue(deps, { id: 'q', roles: ['qa'] }, { day: DAY, teamId: 'tr', limit: 1 })).items;
    const ref = item?.attemptRef ?? '';
    const evaluators = Array.from({ length: 8 }, (_, i) => ({ id: `qa-race-${i}`, roles: ['qa'] }));
    const results = await Promise.allSettled(evaluators.map((actor) => claimItem(deps, actor, ref)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const winner = won[0]?.status === 'fulfilled' ? won[0].value.claimedBy : undefined;
    expect((await deps.store.getItem(ref))?.claimedBy).toBe(winner);
  });

  it('tells an evaluator why a claim is refused: scored already, held by another, or their own for calibration', async () => {
    await seedAgent(tables.client, tables.names.main, 'tw', 'ag-w1');
    await seedAttempts(tables.client, tables.names.main, 'c-qarefusal0001', 'ag-w1', DAY, 2);
    await sampleTeamDay(deps, { teamId: 'tw', day: DAY });
    const [item] = (await listQueue(deps, { id: 'q', roles: ['qa'] }, { day: DAY, teamId: 'tw', limit: 1 })).items;
    const ref = item?.attemptRef ?? '';
    const first = { id: 'qa-w1', roles: ['qa'] };
    const second = { id: 'qa-w2', roles: ['qa'] };
    await claimItem(deps, first, ref);
    await expect(claimItem(deps, second, ref)).rejects.toThrow(/another evaluator holds this call/);
    await expect(claimItem(deps, first, ref, { calibration: true })).rejects.toThrow(/you hold the primary claim/);
    await submitEvaluation(deps, first, ref, { scorecardId: 'default', scorecardVersion: 1, answers: fullMarks });
    await expect(claimItem(deps, second, ref)).rejects.toThrow(/scored already/);
  });

  it('writes counters exactly once per evaluation, and a revision only the difference, even under races', async () => {
    await seedAgent(tables.client, tables.names.main, 'tc', 'ag-c1');
    await seedAttempts(tables.client, tables.names.main, CAMPAIGN, 'ag-c1', DAY, 2);
    await sampleTeamDay(deps, { teamId: 'tc', day: DAY });
    const [item] = (await listQueue(deps, { id: 'q', roles: ['qa'] }, { day: DAY, teamId: 'tc', limit: 1 })).items;
    const ref = item?.attemptRef ?? '';
    const qa = { id: 'qa-c', roles: ['qa'] };
    await claimItem(deps, qa, ref);
    const body = { scorecardId: 'default', scorecardVersion: 1, answers: fullMarks };
    const submits = await Promise.allSettled([1, 2, 3].map(() => submitEvaluation(deps, qa, ref, body)));
    expect(submits.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const read = async (scope: 'AGENT' | 'TEAM' | 'CAMPAIGN', id: string) =>
      (await tables.client.send(new GetCommand({ TableName: tables.names.main, Key: counterKey(scope, id, DAY) })))
        .Item;
    for (const [scope, id] of [
      ['AGENT', 'ag-c1'],
      ['TEAM', 'tc'],
    ] as const) {
      expect(await read(scope, id)).toMatchObject({ qaCount: 1, qaScoreSum: 100, qaCritical: 0 });
    }
    const lower = fullMarks.map((a) => (a.itemId === 'accuracy' ? { ...a, value: 2 } : a));
    // accuracy 2 of 5 × 15 = 6 of 15: 91.0
    await reviseEvaluation(deps, qa, ref, { ...body, answers: lower, reason: 'misheard the product facts' });
    const critical = fullMarks.map((a) => (a.itemId === 'no-false-claims' ? { ...a, value: 0 } : a));
    await reviseEvaluation(deps, { id: 'qa-d', roles: ['qa'] }, ref, { ...body, answers: critical, reason: 'promise' });
    expect(await read('TEAM', 'tc')).toMatchObject({ qaCount: 1, qaScoreSum: 0, qaCritical: 1 });
    const back = fullMarks.map((a) => (a.itemId === 'tone' ? { ...a, value: 4 } : a));
    await reviseEvaluation(deps, qa, ref, { ...body, answers: back, reason: 'the promise was in the script' });
    // tone 4 of 5 × 5 = 4 of 5: 99.0
    expect(await read('CAMPAIGN', CAMPAIGN)).toMatchObject({ qaCount: 1, qaScoreSum: 99, qaCritical: 0 });
    expect((await deps.store.listEvaluations(ref)).map((e) => [e.n, e.kind, e.score])).toEqual([
      [1, 'primary', 100],
      [2, 'revision', 91],
      [3, 'revision', 0],
      [4, 'revision', 99],
    ]);
  });
});
