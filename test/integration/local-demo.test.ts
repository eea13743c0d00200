import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '#infra/local/scenario';

/**
 * The `npm start -- --once` scenario, run in-process on its own stand-ins (DynamoDB Local, s3rver, the SES stand-in,
 * the connect-sim and its call floor). The summary it checks is read back from the stores; the simulator's tally is
 * what the floor says it did, so the two are independent accounts of the same run.
 */
describe('local demo (npm start --once)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'outcall-demo-'));
  let result: ScenarioResult;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    // The handlers' EMF metric lines would only be noise in the test output.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const { runScenario } = await import('#infra/local/scenario');
    result = await runScenario({ outDir, print: () => {} });
  }, 600_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('absorbs everything without a failed handler or a dead-lettered event', () => {
    expect(result.stack.failures).toEqual([]);
  });

  it('ingests the example list and accounts for every contact', () => {
    const { summary } = result;
    expect(summary.list.rows).toBe(2000);
    expect(summary.list.accepted + summary.list.duplicates + summary.list.rejected).toBe(2000);
    expect(summary.listSize).toBe(summary.list.accepted);
    const states = Object.values(summary.contactsByState).reduce((a, b) => a + b, 0);
    expect(states).toBe(summary.listSize);
  });

  it('records one attempt per call the simulator placed, with the outcome it placed', () => {
    const { summary, simulated } = result;
    expect(simulated.dials).toBeGreaterThan(200);
    const attempts = Object.values(summary.attemptsByOutcome).reduce((a, b) => a + b, 0);
    expect(attempts).toBe(simulated.dials);
    expect(summary.kpis.campaign.dials).toBe(simulated.dials);
    expect(summary.attemptsByOutcome.reached ?? 0).toBe(simulated.results.answer);
    expect(summary.attemptsByOutcome.busy ?? 0).toBe(simulated.results.busy);
    expect(summary.attemptsByOutcome.noAnswer ?? 0).toBe(simulated.results.noAnswer);
    expect(summary.attemptsByOutcome.voicemail ?? 0).toBe(simulated.results.voicemail);
    expect(summary.attemptsByOutcome.invalid ?? 0).toBe(simulated.results.invalid);
  });

  it('gives every answered call the disposition its agent filed', () => {
    const { summary, simulated } = result;
    expect(summary.answered.calls).toBe(simulated.results.answer);
    expect(summary.answered.withDisposition).toBe(summary.answered.calls);
    expect(summary.dispositionsByCode).toEqual(simulated.dispositions);
    const perAgent = Object.fromEntries(summary.kpis.agents.map((a) => [a.agentId, a.reached]));
    for (const [agentId, tally] of Object.entries(simulated.byAgent)) expect(perAgent[agentId] ?? 0).toBe(tally.calls);
  });

  it('turns every sale into an order with its form, and the store settles some of them', () => {
    const { summary, simulated } = result;
    const sales = simulated.dispositions.SALE ?? 0;
    expect(sales).toBeGreaterThan(0);
    expect(Object.values(summary.ordersByState).reduce((a, b) => a + b, 0)).toBe(sales);
    expect(summary.emailsByKind.orderForm).toBe(sales);
    expect(summary.ordersByState.delivered ?? 0).toBeGreaterThan(0);
  });

  it('samples calls for QA and scores part of them', () => {
    const { qa } = result.summary;
    expect(qa.sampled).toBeGreaterThan(0);
    expect(qa.scored).toBeGreaterThan(0);
    expect(qa.scored).toBeLessThan(qa.sampled);
  });

  it('reminds agents, collects most daily logs and tells the leads who forgot', () => {
    const { dailyLogs, emailsByKind } = result.summary;
    expect(dailyLogs.submitted).toBeGreaterThan(0);
    expect(dailyLogs.missing).toBeGreaterThan(0);
    expect(emailsByKind.reminder ?? 0).toBeGreaterThan(0);
    expect(emailsByKind.missingLogs ?? 0).toBeGreaterThan(0);
    expect(emailsByKind.plan ?? 0).toBeGreaterThan(0);
  });

  it('sends the pilot review, daily reports and the evaluation, and ends evaluated', () => {
    const { summary } = result;
    expect(summary.emailsByKind.listLoaded).toBe(1);
    expect(summary.emailsByKind.pilotReview).toBe(1);
    expect(summary.emailsByKind.campaignEvaluation).toBe(1);
    expect(summary.emailsByKind.dailyReport ?? 0).toBeGreaterThan(0);
    expect(summary.campaign.state).toBe('evaluated');
    expect(summary.reportsArchived).toBeGreaterThan(0);
  });

  it('writes out/summary.json as read from the stores', () => {
    const written = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(result.summary)));
  });
});
