import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('QA in the stateless stack', () => {
  it('runs the sampler daily at 01:30 in the team zone through EventBridge Scheduler, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 1 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QaSamplerFunction'), 'Arn'] },
        Input: JSON.stringify({ timeZone: 'Asia/Shanghai' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21_600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] } },
      },
    });
  });

  it('bundles the sampler entry and grants it the table, gsi1 and gsi3 only', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^QA sampling') },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('QaSamplerFunction'),
    );
    const resources = JSON.stringify(policies.map((p) => p.Properties.PolicyDocument));
    expect(resources).toContain('/index/gsi1');
    expect(resources).toContain('/index/gsi3');
    expect(resources).not.toMatch(/\/index\/(gsi2|due|\*)/);
  });

  it('routes /qa/{proxy+} to the API function behind IAM auth', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /qa/{proxy+}',
      AuthorizationType: 'AWS_IAM',
    });
  });
});
