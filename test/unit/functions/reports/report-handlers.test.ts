import { afterEach, describe, expect, it } from 'vitest';
import { createCampaignEventsHandler } from '#functions/reports/campaign-events';
import { createTickHandler } from '#functions/reports/tick';
import { METRIC } from '#shared/observability/metrics';
import { type ReportDeps, ReportTickError, type TickResult } from '#shared/use-cases/reports/send-reports';
import { captureEmf } from '#test/unit/functions/emf';

// The handlers hand their deps to the use case, which these tests replace: nothing is read from them.
const deps = {} as ReportDeps;
const transitioned = (action: string) => ({
  'detail-type': 'CampaignTransitioned',
  detail: { campaignId: 'c-000000000000', action },
});

let emf: ReturnType<typeof captureEmf> | undefined;
afterEach(() => emf?.stop());

describe('report tick handler metrics', () => {
  it('counts the reports e-mailed, not those archived for want of a recipient', async () => {
    const result: TickResult = {
      sent: ['daily:team-t1:2026-03-09', 'daily:team-t2:2026-03-09'],
      mailed: 1,
      skipped: 3,
      failed: [],
    };
    emf = captureEmf();
    await expect(createTickHandler(deps, async () => result)()).resolves.toBe(result);
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.reportsSent)).toBe(1);
  });

  it('counts what went out before one report failed, and rethrows', async () => {
    const result: TickResult = {
      sent: ['a', 'b', 'c'],
      mailed: 3,
      skipped: 0,
      failed: [{ what: 'd', error: 'Error' }],
    };
    emf = captureEmf();
    await expect(
      createTickHandler(deps, async () => {
        throw new ReportTickError(result);
      })(),
    ).rejects.toBeInstanceOf(ReportTickError);
    emf.stop();
    expect(emf.value(emf.documents[0], METRIC.reportsSent)).toBe(3);
  });
});

describe('campaign events handler metrics', () => {
  it('counts one report when the pilot review or evaluation was e-mailed, zero otherwise', async () => {
    const statuses = ['sent', 'alreadySent', 'noRecipients', 'ignored'] as const;
    emf = captureEmf();
    for (const status of statuses) {
      await createCampaignEventsHandler(deps, async () => status)(transitioned('complete'));
    }
    emf.stop();
    expect(emf.documents.map((d) => emf?.value(d, METRIC.reportsSent))).toEqual([1, 0, 0, 0]);
  });

  it('publishes zero for an event it cannot read, and rethrows', async () => {
    emf = captureEmf();
    await expect(createCampaignEventsHandler(deps, async () => 'sent')({ detail: {} })).rejects.toThrow();
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.reportsSent)).toBe(0);
  });
});
