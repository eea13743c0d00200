import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('agent reminders in the stateless stack', () => {
  it('runs the reminder tick every minute and the roster sync hourly, each with retries and a DLQ', () => {
    for (const [expression, fn] of [
      ['rate(1 minute)', '^ReminderTickFunction'],
      ['rate(1 hour)', '^RosterSyncFunction'],
    ] as const) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(fn), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] } },
        }),
      });
    }
  });

  it('gives the tick the sender address and SES, and the roster only the three Connect reads', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Daily log, plan and team-lead reminders'),
      Environment: { Variables: Match.objectLike({ MAIL_FROM: 'outcall@example.com', TABLE_NAME: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['connect:DescribeUser', 'connect:DescribeUserHierarchyGroup', 'connect:ListUsers'],
            Resource: Match.arrayWith([Match.stringLikeRegexp('/agent-group/\\*$')]),
          }),
        ]),
      },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/"connect:\*"/);
  });
});
