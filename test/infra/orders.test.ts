import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);
const SCHEDULE_DLQ = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] };

describe('orders in the stateless stack', () => {
  it('hands OrderPlaced to the order function with retries and the shared DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'detail-type': ['OrderPlaced'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderPlacedFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: SCHEDULE_DLQ },
        }),
      ],
    });
  });

  it('keeps an OrderPlaced the function failed on in the same DLQ, and may send to that queue only', () => {
    const [id, fn] =
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([key]) =>
        key.startsWith('OrderPlacedFunction'),
      ) ?? [];
    expect(id).toBeDefined();
    expect(fn?.Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^OrderPlacedFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Resource: SCHEDULE_DLQ })]),
      },
    });
  });
});
