import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/function-memory';
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

  it('sizes the functions nobody waits for smaller than those Connect waits for, as the cost bench prices them', () => {
    const memoryOf = (id: string) => {
      const fns = Object.entries(code.findResources('AWS::Lambda::Function')).filter(([logicalId]) =>
        logicalId.startsWith(id),
      );
      expect(fns, id).toHaveLength(1);
      const [[, fn] = []] = fns;
      return (fn as { Properties: { MemorySize: number } } | undefined)?.Properties.MemorySize;
    };
    for (const id of ['ContactRecordsFunction', 'ContactEventsFunction', 'CountersFunction'])
      expect(memoryOf(id), id).toBe(FUNCTION_MEMORY_MB.outcomeStreams);
    for (const id of ['DispositionFunction', 'CallStartFunction'])
      expect(memoryOf(id), id).toBe(FUNCTION_MEMORY_MB.outcomeFlows);
    expect(FUNCTION_MEMORY_MB.outcomeStreams).toBeLessThan(FUNCTION_MEMORY_MB.outcomeFlows);
    expect(memoryOf('DispatcherFunction')).toBe(FUNCTION_MEMORY_MB.dispatcher);
    expect(memoryOf('IntakeFunction')).toBe(FUNCTION_MEMORY_MB.intake);
  });
});

describe('counters from the main table stream', () => {
  const { stateful, stateless } = outcallApp('prod');
  const data = templateOf(stateful);
  const code = templateOf(stateless);
  const mappings = () =>
    Object.values(code.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.FilterCriteria !== undefined,
    ) as { Properties: Record<string, unknown> }[];
  const countersRole = () => {
    const fns = code.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Counters from') },
    });
    const [fn] = Object.values(fns) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }[];
    return fn?.Properties.Role['Fn::GetAtt'][0];
  };

  it('gives the main table a stream with both images', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('maps the stream to the counters function: attempt records only, batched, never bisected, retried until they expire', () => {
    const [mapping, ...others] = mappings();
    expect(others).toEqual([]);
    const p = mapping?.Properties ?? {};
    expect(p).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 60,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
    });
    expect(p.FunctionResponseTypes).toBeUndefined();
    expect(p.MaximumRecordAgeInSeconds).toBeUndefined();
    const filters = (p.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { NewImage: { fz: { B: [{ exists: true }] } } } },
    ]);
    expect(JSON.stringify(p.FunctionName)).toContain('CountersFunction');
    // Its records go to the shared dead-letter queue when they never succeed.
    const destination = (p.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': string[] } } }).OnFailure
      .Destination['Fn::GetAtt'][0];
    expect(destination).toMatch(/^ScheduleDeadLetterQueue/);
  });

  it('starts the mapping before any function that records outcomes is updated to leave the counters to it', () => {
    const [id] = Object.keys(
      code.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FilterCriteria: Match.anyValue() } }),
    );
    const functions = code.findResources('AWS::Lambda::Function');
    const recorders = Object.entries(functions).filter(([fnId]) =>
      /ContactRecords|ContactEvents|Disposition|CallStart|Reconciler/.test(fnId),
    );
    expect(recorders).toHaveLength(5);
    for (const [, fn] of recorders) expect([fn.DependsOn].flat()).toContain(id);
  });

  it('lets the counters function read the table stream only, and write the table by key', () => {
    const [mapping] = mappings();
    const streamArn = JSON.stringify(mapping?.Properties.EventSourceArn);
    const role = countersRole();
    const policies = Object.values(code.findResources('AWS::IAM::Policy')).filter((pol) =>
      JSON.stringify(pol.Properties.Roles).includes(String(role)),
    );
    const statements = policies.flatMap(
      (pol) =>
        (pol.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const streamStatements = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:GetRecords')),
    );
    expect(streamStatements).toHaveLength(1);
    expect(JSON.stringify(streamStatements[0]?.Resource)).toBe(streamArn);
    expect([streamStatements[0]?.Action].flat().sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    const all = JSON.stringify(statements);
    expect(all).toContain('dynamodb:UpdateItem');
    expect(all).not.toContain('/index/');
    expect(all).not.toMatch(/"Resource":"\*"/);
  });

  it('pages the operators when the counters fall more than 10 minutes behind the stream', () => {
    const alarms = code.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'IteratorAge' } });
    const [alarm, ...others] = Object.values(alarms) as { Properties: Record<string, unknown> }[];
    expect(others).toEqual([]);
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 600_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(JSON.stringify(alarm?.Properties.Dimensions)).toContain('CountersFunction');
    expect(JSON.stringify(alarm?.Properties.AlarmActions)).toContain('AlarmTopic');
    expect(String(alarm?.Properties.AlarmDescription)).toContain('docs/operations.md');
  });
});
