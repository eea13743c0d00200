import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** Every EventBridge Scheduler schedule of a stage, named by what its target function says it does. */
function schedules(stage: 'dev' | 'prod') {
  const { stateful, stateless } = outcallApp(stage);
  const out: { job: string; expression: string; zone: unknown }[] = [];
  for (const stack of [stateful, stateless]) {
    const resources = templateOf(stack).toJSON().Resources as Record<string, Resource>;
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::Scheduler::Schedule') continue;
      const target = JSON.stringify((r.Properties?.Target as { Arn?: unknown } | undefined)?.Arn ?? null);
      const functionId = /"Fn::GetAtt":\["([^"]+)"/.exec(target)?.[1] ?? '';
      const description = String(resources[functionId]?.Properties?.Description ?? `unknown target ${target}`);
      out.push({
        job: description,
        expression: String(r.Properties?.ScheduleExpression),
        zone: r.Properties?.ScheduleExpressionTimezone,
      });
    }
  }
  return out.sort((a, b) => (a.job < b.job ? -1 : 1));
}

function isIanaZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/');
  } catch {
    return false;
  }
}

describe('recurring jobs are EventBridge Scheduler schedules in explicit IANA zones', () => {
  for (const stage of ['dev', 'prod'] as const) {
    it(`${stage}: lists dispatcher tick, stale-dial reconciliation, reminders, roster sync, reports and QA sampling`, () => {
      const list = schedules(stage);
      const jobOf = (prefix: string) => list.filter((s) => s.job.startsWith(prefix));
      expect(jobOf('Due contacts to Amazon Connect')).toEqual([
        { job: expect.any(String), expression: 'rate(1 minute)', zone: 'Etc/UTC' },
      ]);
      expect(jobOf('Dials past their deadline')).toEqual([
        { job: expect.any(String), expression: 'rate(5 minutes)', zone: 'Etc/UTC' },
      ]);
      expect(jobOf('Daily log, plan and team-lead reminders')).toHaveLength(1);
      expect(jobOf('Amazon Connect users and hierarchy groups')).toHaveLength(1);
      expect(jobOf('Scheduled team reports')).toEqual([
        { job: expect.any(String), expression: 'cron(5 * * * ? *)', zone: 'Etc/UTC' },
      ]);
      // QA sampling runs once per team zone, at that zone's local time.
      const qa = jobOf('QA sampling');
      expect(qa.length).toBeGreaterThanOrEqual(1);
      for (const s of qa) expect(s.expression).toMatch(/^cron\(/);
      // Nothing else hides in the stacks, and every schedule names its zone: none falls back to Scheduler's default.
      expect(list).toHaveLength(5 + qa.length);
      for (const s of list)
        expect({ job: s.job, zoneIsIana: isIanaZone(s.zone) }).toEqual({ job: s.job, zoneIsIana: true });
    });
  }
});
