import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('reports in the stateless stack', () => {
  it('ticks hourly in an explicit zone, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 * * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportTickFunction'), 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] } },
      }),
    });
  });

  it('sends pilot reviews and evaluations from CampaignTransitioned on the outcall bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: {
        source: ['outcall.campaigns'],
        'detail-type': ['CampaignTransitioned'],
        detail: { action: ['endPilot', 'complete'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CampaignEvaluationFunction'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it("sends what the evaluation function and the tick failed on to the stack's DLQ", () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const dlqOf = (prefix: string) =>
      Object.entries(fns).find(([id]) => id.startsWith(prefix))?.[1].Properties.DeadLetterConfig;
    for (const prefix of ['CampaignEvaluationFunction', 'ReportTickFunction']) {
      expect(dlqOf(prefix), prefix).toEqual({
        TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
      });
    }
  });

  it('gives both functions the table, the reports bucket, the sender and the managers', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ MANAGER_EMAILS: 'manager@example.com' }) } },
    });
    expect(
      Object.keys(fns).filter((id) => id.startsWith('ReportTick') || id.startsWith('CampaignEvaluation')),
    ).toHaveLength(2);
    for (const fn of Object.values(fns)) {
      expect(
        Object.keys((fn as { Properties: { Environment: { Variables: object } } }).Properties.Environment.Variables),
      ).toEqual(expect.arrayContaining(['TABLE_NAME', 'REPORTS_BUCKET', 'SES_SENDER', 'BUS_NAME']));
    }
  });
});
