import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { outcallApp, PROD_PARAMETERS, templateOf } from '#test/infra/fixtures';

describe('outcomes infrastructure', () => {
  const { stateful, stateless } = outcallApp('prod');
  const data = templateOf(stateful);
  const code = templateOf(stateless);
  const instanceArn = PROD_PARAMETERS.connectInstanceArn;

  it('keeps contact records in an encrypted Kinesis stream of the stateful stack, associated with the instance', () => {
    data.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 7 * 24,
    });
    code.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      InstanceArn: instanceArn,
      ResourceType: 'CONTACT_TRACE_RECORDS',
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: { StreamArn: Match.anyValue() },
    });
  });

  it('consumes the stream with partial batch responses, bisection and an on-failure destination', () => {
    code.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('routes the aws.connect contact events outcomes use, of the instance, from the default bus', () => {
    const rules = code.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { source: ['aws.connect'], 'detail-type': ['Amazon Connect Contact Event'] } },
    });
    const [rule] = Object.values(rules) as { Properties: Record<string, unknown> }[];
    expect(rule?.Properties.EventBusName).toBeUndefined();
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.connect'],
      'detail-type': ['Amazon Connect Contact Event'],
      detail: { instanceArn: [instanceArn], eventType: ['CONNECTED_TO_AGENT', 'DISCONNECTED'] },
    });
  });

  it('grants the outcome functions the table by key only: the recorder queries no index', () => {
    const policies = Object.values(code.findResources('AWS::IAM::Policy')).filter((p) =>
      /ContactEventsFunction|ContactRecordsFunction|DispositionFunction|CallStartFunction/.test(
        JSON.stringify(p.Properties.Roles),
      ),
    );
    expect(policies.length).toBeGreaterThanOrEqual(4);
    const statements = JSON.stringify(policies.map((p) => p.Properties.PolicyDocument));
    expect(statements).toContain('dynamodb:UpdateItem');
    expect(statements).not.toContain('/index/');
  });

  it('lets only the instance invoke the two flow Lambdas, and lists them in the instance', () => {
    const permissions = code.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'connect.amazonaws.com' },
    });
    expect(Object.keys(permissions)).toHaveLength(2);
    for (const p of Object.values(permissions) as { Properties: Record<string, unknown> }[]) {
      expect(p.Properties.SourceArn).toBe(instanceArn);
    }
    code.resourceCountIs('AWS::Connect::IntegrationAssociation', 2);
    code.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: instanceArn,
      IntegrationType: 'LAMBDA_FUNCTION',
    });
  });
});
