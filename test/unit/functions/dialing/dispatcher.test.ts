import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcherHandler } from '#functions/dialing/dispatcher';
import { METRIC } from '#shared/observability/metrics';
import { noteThrottles } from '#shared/observability/throttles';
import type { CampaignTickReport } from '#shared/use-cases/dialing/dispatch';
import { captureEmf } from '#test/unit/functions/emf';

const report = (over: Partial<CampaignTickReport>): CampaignTickReport => ({
  campaignId: 'c-000000000000',
  budget: 60,
  selected: 0,
  dialed: 0,
  invalid: 0,
  requeued: 0,
  throttled: 0,
  held: {},
  idle: false,
  ...over,
});

let emf: ReturnType<typeof captureEmf> | undefined;
afterEach(() => emf?.stop());

describe('dispatcher handler metrics', () => {
  it('publishes dials, failed dials, idle campaigns and throttles of the tick in one document', async () => {
    const reports = [
      report({ campaignId: 'c-a', selected: 30, dialed: 25, invalid: 2, requeued: 3, throttled: 1 }),
      report({ campaignId: 'c-b', selected: 10, requeued: 10, throttled: 10, idle: true }),
      report({ campaignId: 'c-c', hold: 'connectNotRunning', idle: true }),
      report({ campaignId: 'c-d', hold: 'deadlinePassed' }),
    ];
    emf = captureEmf();
    await createDispatcherHandler(async () => {
      noteThrottles(4); // as the DynamoDB client's middleware does on throttled attempts
      return reports;
    })();
    emf.stop();

    expect(emf.documents).toHaveLength(1);
    const doc = emf.documents[0];
    expect(emf.value(doc, METRIC.dials)).toBe(25);
    expect(emf.value(doc, METRIC.dialsFailed)).toBe(2 + 3 + 10);
    expect(emf.value(doc, METRIC.idleActiveCampaigns)).toBe(2);
    expect(emf.value(doc, METRIC.throttles)).toBe(1 + 10 + 4);
    // No campaign id (nor anything else) became a dimension.
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });

  it('publishes zeros when nothing is dialing: the idle alarm gets its data point every minute', async () => {
    emf = captureEmf();
    await createDispatcherHandler(async () => [])();
    emf.stop();
    const doc = emf.documents[0];
    for (const name of [METRIC.dials, METRIC.dialsFailed, METRIC.idleActiveCampaigns, METRIC.throttles]) {
      expect(emf.value(doc, name), name).toBe(0);
    }
  });

  it('still flushes what it saw when the tick throws', async () => {
    emf = captureEmf();
    const failing = createDispatcherHandler(async () => {
      noteThrottles(3);
      throw new Error('listing campaigns failed');
    });
    await expect(failing()).rejects.toThrow('listing campaigns failed');
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.throttles)).toBe(3);
  });
});
