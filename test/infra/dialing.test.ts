import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

function functionLogicalId(entryDescription: string): string {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: entryDescription },
    }),
  );
  expect(found).toHaveLength(1);
  return found[0]?.[0] ?? '';
}

describe('dialing construct', () => {
  const dispatcher = functionLogicalId('Due contacts to Amazon Connect outbound campaigns, every minute');
  const reconciler = functionLogicalId('Dials past their deadline without an outcome: resend or retry as expired');

  it('runs the dispatcher every minute and the reconciler every 5 minutes, in an explicit zone, with retries and a DLQ', () => {
    for (const [expression, fn] of [
      ['rate(1 minute)', dispatcher],
      ['rate(5 minutes)', reconciler],
    ] as const) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Etc/UTC',
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      });
    }
  });

  it('lets only the dispatcher send dial requests, on campaign ARNs; the API only drives campaign lifecycles', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const connect = statements.filter((s) => JSON.stringify(s.Action).includes('connect-campaigns:'));
    const dialing = connect.filter((s) => JSON.stringify(s.Action).includes('PutOutboundRequestBatch'));
    expect(dialing).toHaveLength(1);
    expect(dialing[0]?.Action).toBe('connect-campaigns:PutOutboundRequestBatch');
    expect(JSON.stringify(dialing[0]?.Resource)).toContain(':campaign/*');
    // The API's lifecycle statements: create, start, pause, resume, stop, read state — never a dial.
    const lifecycle = connect.filter((s) => !dialing.includes(s)).flatMap((s) => [s.Action].flat());
    expect(
      lifecycle.every((a) =>
        /^connect-campaigns:(Create|Start|Pause|Resume|Stop|GetCampaignState|Describe)/.test(String(a)),
      ),
    ).toBe(true);
  });

  it('grants the table with the gsi1 and due indexes by name, never index/*', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/index/due');
    expect(policies).not.toContain('/index/*');
  });
});
