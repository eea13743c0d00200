import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { OutcallFunction, ReservedEnvironmentError } from '#infra/constructs/outcall-function';
import { bareStack, templateOf } from '#test/infra/fixtures';

const ENTRY = 'functions/api/handler.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/** Statements of the roles' own policies and of the managed policies the binders share (not the X-Ray one). */
function statementsOf(template: ReturnType<typeof templateOf>): Statement[] {
  const managed = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([id]) => !id.startsWith('OutcallTracingPolicy'))
    .map(([, policy]) => policy);
  return [...Object.values(template.findResources('AWS::IAM::Policy')), ...managed].flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}
const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => [s.Action].flat());

describe('OutcallFunction defaults', () => {
  it('runs Node.js 24 on ARM64 with active tracing and its own log group', () => {
    const stack = bareStack();
    new OutcallFunction(stack, 'SampleFunction', { entry: ENTRY, stage: 'dev' });
    const template = templateOf(stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 1024,
      Timeout: 30,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^SampleFunctionLogGroup') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('keeps logs a year, and retains them, in prod', () => {
    const stack = bareStack();
    new OutcallFunction(stack, 'SampleFunction', { entry: ENTRY, stage: 'prod' });
    const template = templateOf(stack);

    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('merges a caller environment into the defaults instead of replacing them', () => {
    const stack = bareStack();
    const fn = new OutcallFunction(stack, 'SampleFunction', {
      entry: ENTRY,
      stage: 'prod',
      serviceName: 'dialer',
      environment: { DIAL_BATCH_SIZE: '25', NODE_OPTIONS: '--max-old-space-size=512' },
    });
    fn.addEnvironment('LATE', 'yes');

    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          STAGE: 'prod',
          POWERTOOLS_SERVICE_NAME: 'dialer',
          POWERTOOLS_METRICS_NAMESPACE: 'outcall',
          NODE_OPTIONS: '--max-old-space-size=512',
          DIAL_BATCH_SIZE: '25',
          LATE: 'yes',
        },
      },
    });
  });

  it('refuses a caller value for a variable it owns', () => {
    const stack = bareStack();
    expect(
      () =>
        new OutcallFunction(stack, 'SampleFunction', { entry: ENTRY, stage: 'dev', environment: { STAGE: 'prod' } }),
    ).toThrow(ReservedEnvironmentError);
  });

  it('lets a caller change memory and timeout', () => {
    const stack = bareStack();
    new OutcallFunction(stack, 'SampleFunction', {
      entry: ENTRY,
      stage: 'dev',
      memorySize: 1769,
      timeout: Duration.minutes(15),
    });
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1769, Timeout: 900 });
  });

  it('uses a dedicated role with no AWS-managed policy and one shared tracing policy per stack', () => {
    const stack = bareStack();
    new OutcallFunction(stack, 'OneFunction', { entry: ENTRY, stage: 'dev' });
    new OutcallFunction(stack, 'TwoFunction', { entry: ENTRY, stage: 'dev' });
    const template = templateOf(stack);

    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{ Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' }],
      },
    });
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: expect.stringMatching(/^OutcallTracingPolicy/) }]);
    }
    expect(JSON.stringify(roles)).not.toContain('AWSLambdaBasicExecutionRole');
  });
});

describe('OutcallFunction binders', () => {
  function boundStack() {
    const stack = bareStack();
    const key = new kms.Key(stack, 'Key');
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
    });
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    const bus = new events.EventBus(stack, 'Bus');
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key });
    return { stack, table, bucket, bus, queue };
  }

  it('read binding grants item reads on the table and named indexes only, and sets TABLE_NAME', () => {
    const { stack, table } = boundStack();
    new OutcallFunction(stack, 'ReaderFunction', { entry: ENTRY, stage: 'dev' }).bindTableRead(table, {
      indexNames: ['gsi1'],
    });
    const template = templateOf(stack);
    const statements = statementsOf(template);

    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']),
    );
    expect(actionsOf(statements)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|Scan)$/)]),
    );
    const tableStatement = statements.find((s) => [s.Action].flat().includes('dynamodb:GetItem'));
    expect(JSON.stringify(tableStatement?.Resource)).toContain('/index/gsi1');
    expect(JSON.stringify(tableStatement?.Resource)).not.toContain('/index/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') } }) },
    });
  });

  it('read/write binding adds item writes but never a wildcard action', () => {
    const { stack, table } = boundStack();
    new OutcallFunction(stack, 'WriterFunction', { entry: ENTRY, stage: 'dev' }).bindTableReadWrite(table, {
      envName: 'IDEMPOTENCY_TABLE_NAME',
    });
    const template = templateOf(stack);
    const actions = actionsOf(statementsOf(template));

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'kms:GenerateDataKey']));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: Match.anyValue() }) },
    });
  });

  it('bucket, bus and queue bindings grant exactly their actions and set their variables', () => {
    const { stack, bucket, bus, queue } = boundStack();
    new OutcallFunction(stack, 'MixedFunction', { entry: ENTRY, stage: 'dev' })
      .bindBucketRead(bucket, { envName: 'UPLOADS_BUCKET', keyPrefix: 'lists/' })
      .bindBus(bus)
      .bindQueueSend(queue);
    const template = templateOf(stack);
    const actions = actionsOf(statementsOf(template));

    expect(actions).toEqual(
      expect.arrayContaining([
        's3:GetObject',
        's3:GetObjectVersion',
        's3:ListBucket',
        'events:PutEvents',
        'sqs:SendMessage',
      ]),
    );
    expect(actions).not.toContain('s3:PutObject');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': ['lists/*'] } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          UPLOADS_BUCKET: Match.anyValue(),
          BUS_NAME: Match.anyValue(),
          QUEUE_URL: Match.anyValue(),
        }),
      },
    });
  });
  it('shares one object policy per bucket, key prefix and access level among the roles bound that way', () => {
    const { stack, bucket } = boundStack();
    const bind = (id: string) => new OutcallFunction(stack, id, { entry: ENTRY, stage: 'dev' });
    bind('OneFunction').bindBucketRead(bucket, { keyPrefix: 'agents/' });
    bind('TwoFunction').bindBucketRead(bucket, { keyPrefix: 'agents/' });
    bind('WriterFunction').bindBucketReadWrite(bucket, { keyPrefix: 'agents/' });
    bind('WholeFunction').bindBucketRead(bucket);
    const template = templateOf(stack);

    const policies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies.filter((id) => !id.startsWith('OutcallTracingPolicy'))).toEqual([
      expect.stringMatching(/^BucketAgentsReadObjects/),
      expect.stringMatching(/^BucketAgentsReadWriteObjects/),
      expect.stringMatching(/^BucketReadObjects/),
    ]);
    const attached = (roleId: string) =>
      JSON.stringify(
        Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith(roleId))?.[1].Properties
          .ManagedPolicyArns,
      );
    expect(attached('OneFunctionRole')).toMatch(/"BucketAgentsReadObjects/);
    expect(attached('TwoFunctionRole')).toMatch(/"BucketAgentsReadObjects/);
    expect(attached('WriterFunctionRole')).not.toMatch(/"BucketAgentsReadObjects/);
    expect(attached('WholeFunctionRole')).toMatch(/"BucketReadObjects/);
  });

  it('refuses a grant whose policy id is already taken by a different grant', () => {
    const { stack, bucket } = boundStack();
    new OutcallFunction(stack, 'OneFunction', { entry: ENTRY, stage: 'dev' }).bindBucketRead(bucket, {
      keyPrefix: 'a/b/',
    });
    const other = new OutcallFunction(stack, 'TwoFunction', { entry: ENTRY, stage: 'dev' });
    expect(() => other.bindBucketRead(bucket, { keyPrefix: 'a-b/' })).toThrow(/already exists/);
  });
});
