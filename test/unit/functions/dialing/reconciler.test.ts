import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReconcilerHandler } from '#functions/dialing/reconciler';
import { METRIC } from '#shared/observability/metrics';
import type { ReconcileReport } from '#shared/use-cases/dialing/reconcile';
import { captureEmf } from '#test/unit/functions/emf';

// The entry point also builds the outcome recorder from the environment at import; this test gives the handler its
// tick directly and needs none of it.
vi.mock('#functions/outcomes/recorder', () => ({ recorder: {} }));

const report = (over: Partial<ReconcileReport>): ReconcileReport => ({
  campaignId: 'c-000000000000',
  stale: 0,
  resent: 0,
  expired: 0,
  exhausted: 0,
  resolved: 0,
  ...over,
});

let emf: ReturnType<typeof captureEmf> | undefined;
afterEach(() => emf?.stop());

describe('reconciler handler metrics', () => {
  it('counts the stale dials it settled, not those the outcomes side explained', async () => {
    emf = captureEmf();
    await createReconcilerHandler(async () => [
      report({ stale: 6, resent: 1, expired: 2, exhausted: 1, resolved: 2 }),
      report({ campaignId: 'c-111111111111', stale: 3, expired: 3 }),
    ])();
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.staleDialsReconciled)).toBe(1 + 2 + 1 + 3);
    expect(emf.value(emf.documents[0], METRIC.throttles)).toBe(0);
  });

  it('publishes zero when nothing was stale', async () => {
    emf = captureEmf();
    await createReconcilerHandler(async () => [report({})])();
    emf.stop();
    expect(emf.value(emf.documents[0], METRIC.staleDialsReconciled)).toBe(0);
  });

  it('flushes once when the run throws', async () => {
    emf = captureEmf();
    await expect(
      createReconcilerHandler(async () => {
        throw new Error('store down');
      })(),
    ).rejects.toThrow('store down');
    emf.stop();
    expect(emf.documents).toHaveLength(1);
  });
});
