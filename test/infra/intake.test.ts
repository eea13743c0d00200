import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
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

  it('may tag uploads only with the rejects retention tag (written with the rejects file, x-amz-tagging)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[],
    );
    const tagging = statements.filter((s) => [s.Action].flat().includes('s3:PutObjectTagging'));
    expect(tagging).toEqual([
      expect.objectContaining({
        Action: 's3:PutObjectTagging',
        Condition: {
          StringEquals: { 's3:RequestObjectTag/outcall:retention': 'rejects-30d' },
          'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['outcall:retention'] },
        },
      }),
    ]);
  });

  it('may delete only its own work files (the rejects parts under intake-work/)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const deletes = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Delete')));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Action).toBe('s3:DeleteObject');
    expect(JSON.stringify(deletes[0]?.Resource)).toMatch(/\/intake-work\/\*"/);
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
