import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '#functions/intake/ingest';
import type { IntakeSummary } from '#shared/domain/intake/classify';
import { METRIC } from '#shared/observability/metrics';
import { noteThrottles } from '#shared/observability/throttles';
import type { IngestDeps, IngestRequest, IngestResult } from '#shared/use-cases/intake/ingest-list';
import { captureEmf } from '#test/unit/functions/emf';

// The handler hands its deps to the use case, which these tests replace: nothing is read from them.
const deps = {} as IngestDeps;
const context = { getRemainingTimeInMillis: () => 600_000 } as unknown as Context;

const continuation = (key: string) =>
  JSON.stringify({ kind: 'outcall.intake.continue', bucket: 'uploads', key, sequencer: '0A01', size: 100 });
const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: 'r',
    body,
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:intake',
    awsRegion: 'ap-northeast-1',
  })),
});
const ready = (accepted: number, rejected: number): IngestResult => ({
  outcome: 'ready',
  listId: `l-${accepted}`,
  summary: { rows: accepted + rejected + 5, accepted, rejected, duplicates: 3, suppressed: 2 } as IntakeSummary,
});

let emf: ReturnType<typeof captureEmf> | undefined;
afterEach(() => emf?.stop());

describe('intake handler metrics', () => {
  it('counts the rows of the lists that became ready, once, in one document per invocation', async () => {
    const results: Record<string, IngestResult> = {
      'lists/c-1/a.csv': ready(1800, 120),
      'lists/c-1/b.csv': { outcome: 'continued', listId: 'l-b', row: 20_000 },
      'lists/c-2/c.csv': ready(40, 1),
      'lists/c-2/again.csv': { outcome: 'already-done', listId: 'l-c', status: 'ready' },
    };
    const ingest = async (_: IngestDeps, request: IngestRequest) => {
      noteThrottles(1); // as the SDK clients' middleware does on a throttled attempt
      const result = results[request.key];
      if (!result) throw new Error(`unexpected ${request.key}`);
      return result;
    };
    emf = captureEmf();
    const out = await createIngestHandler(deps, ingest)(sqsEvent(...Object.keys(results).map(continuation)), context);
    emf.stop();
    expect(out.batchItemFailures).toEqual([]);
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.rowsIngested)).toBe(1840);
    expect(emf.value(emf.documents[0], METRIC.rowsRejected)).toBe(121);
    expect(emf.value(emf.documents[0], METRIC.throttles)).toBe(4);
  });

  it('publishes zeros when no list finished, also when every record failed', async () => {
    emf = captureEmf();
    const failing = createIngestHandler(deps, async () => {
      throw new Error('S3 read failed');
    });
    await expect(failing(sqsEvent(continuation('lists/c-1/a.csv')), context)).rejects.toThrow();
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.rowsIngested)).toBe(0);
    expect(emf.value(emf.documents[0], METRIC.rowsRejected)).toBe(0);
  });
});
