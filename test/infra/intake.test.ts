import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('intake function', () => {
  it('runs up to 15 minutes on one vCPU with the names it needs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      MemorySize: 1769,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'intake',
          TABLE_NAME: Match.anyValue(),
          BUCKET_NAME: Match.anyValue(),
          BUS_NAME: Match.anyValue(),
          QUEUE_URL: Match.anyValue(),
          SES_SENDER: Match.anyValue(),
          PHONE_KEY_SECRET: Match.anyValue(),
        }),
      },
    });
  });

  it('consumes the intake queue one message at a time with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: Match.anyValue(),
    });
  });

  it('may send mail only from the configured sender identity', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ses:SendEmail', Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }),
        ]),
      },
    });
  });
});
