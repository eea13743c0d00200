import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FORM_CLAIM_STALE_MS } from '#shared/use-cases/orders/place-order';
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

  it("times the order function out before its form claim goes stale, and the claim before Lambda's first async retry", () => {
    const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(([key]) =>
      key.startsWith('OrderPlacedFunction'),
    )?.[1];
    const timeoutMs = Number(fn?.Properties.Timeout) * 1000;
    // A live sender's claim is never taken over; a dead one's is by the retry Lambda makes about a minute later.
    expect(timeoutMs).toBeLessThan(FORM_CLAIM_STALE_MS);
    expect(FORM_CLAIM_STALE_MS).toBeLessThan(60_000);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^OrderPlacedFunction') },
      MaximumRetryAttempts: 2,
    });
  });
});
