import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from '#shared/adapters/dynamodb/table-schema';
import { REJECTS_RETENTION_TAG } from '#shared/use-cases/intake/upload-key';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const dev = templateOf(outcallApp('dev').stateful);
const prod = templateOf(outcallApp('prod').stateful);
const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] };

describe('stateful stack', () => {
  it('has two customer-managed keys, both rotated: data, and the queues S3 notifies', () => {
    dev.resourceCountIs('AWS::KMS::Key', 2);
    dev.resourcePropertiesCountIs('AWS::KMS::Key', { EnableKeyRotation: true }, 2);
  });

  it('notifies the intake queue of lists/ and dnc/ uploads, and one queue each for agents/ and orders/', () => {
    const config = JSON.stringify(dev.findResources('Custom::S3BucketNotifications'));
    for (const prefix of ['lists/', 'dnc/', 'agents/', 'orders/']) expect(config).toContain(`"Value":"${prefix}"`);
    expect(config).toMatch(/IntakeQueue/);
    expect(config).toMatch(/AgentsUploadQueue/);
    expect(config).toMatch(/OrdersUploadQueue/);
  });

  it('keeps the phone-key secret under the data key, retained whatever the stage', () => {
    dev.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KmsKeyId: Match.anyValue(), GenerateSecretString: Match.anyValue() }),
    });
  });

  it('builds the main table from MAIN_TABLE: keys, GSIs with projections, TTL, PITR, KMS, on demand', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: MAIN_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: MAIN_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: MAIN_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef },
      GlobalSecondaryIndexes: MAIN_TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    });
  });

  it('builds the idempotency table with the Powertools key and TTL, encrypted and recoverable', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: Match.objectLike({ SSEType: 'KMS', KMSMasterKeyId: keyRef }),
    });
    dev.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('makes both data buckets private, versioned, KMS-encrypted and logged to the access-log bucket', () => {
    const dataBuckets = dev.findResources('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyRef },
            }),
          ],
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogsBucket') },
          LogFilePrefix: Match.anyValue(),
        },
      },
    });
    expect(Object.keys(dataBuckets).sort()).toEqual([
      expect.stringMatching(/^ReportsBucket/),
      expect.stringMatching(/^UploadsBucket/),
    ]);
  });

  it('keeps the access-log bucket private with S3-managed encryption (S3 cannot log into a KMS bucket)', () => {
    dev.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
  });

  it('denies non-TLS access on every bucket', () => {
    const buckets = Object.keys(dev.findResources('AWS::S3::Bucket'));
    const policies = dev.findResources('AWS::S3::BucketPolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
    });
    const guarded = Object.values(policies).map((p) => (p.Properties.Bucket as { Ref: string }).Ref);
    expect(guarded.sort()).toEqual(buckets.sort());
  });

  it('gives the intake queue a KMS-encrypted DLQ kept 14 days and a visibility of six 15-minute timeouts', () => {
    const notificationsKeyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadNotificationsKey'), 'Arn'] };
    dev.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 15 * 60,
      KmsMasterKeyId: notificationsKeyRef,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: Match.anyValue(),
      },
    });
    dev.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      KmsMasterKeyId: notificationsKeyRef,
      RedrivePolicy: Match.absent(),
    });
    dev.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
        },
      },
      4, // the three dead-letter queues and the contact-record failure queue: TLS-only and nothing else
    );
    // The three queues S3 notifies: TLS-only, plus S3's permission to send.
    dev.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } }),
          ]),
        },
      },
      3,
    );
  });

  it('expires tagged rejects files after 30 days, their hidden versions a day later, in the uploads bucket only', () => {
    const rejectsRule = {
      Id: 'ExpireRejectsFiles',
      Status: 'Enabled',
      TagFilters: [{ Key: 'outcall:retention', Value: 'rejects-30d' }],
      ExpirationInDays: 30,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    };
    // The tag intake writes is the tag the rule selects.
    expect(rejectsRule.TagFilters).toEqual([{ Key: REJECTS_RETENTION_TAG.key, Value: REJECTS_RETENTION_TAG.value }]);
    for (const template of [dev, prod]) {
      const withRule = template.findResources('AWS::S3::Bucket', {
        Properties: { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectEquals(rejectsRule)]) } },
      });
      expect(Object.keys(withRule)).toEqual([expect.stringMatching(/^UploadsBucket/)]);
    }
  });

  it("keeps the uploads bucket's other rules: old versions, intake's work files, leftover delete markers", () => {
    const uploads = Object.values(dev.findResources('AWS::S3::Bucket')).find((b) =>
      JSON.stringify(b).includes('ExpireRejectsFiles'),
    );
    expect(uploads).toBeDefined();
    const rules = (uploads?.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined)
      ?.Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: 'Enabled' }),
        expect.objectContaining({
          Id: 'ExpireIntakeWork',
          Prefix: 'intake-work/',
          ExpirationInDays: 30,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
        expect.objectContaining({ Id: 'RemoveExpiredDeleteMarkers', ExpiredObjectDeleteMarker: true }),
      ]),
    );
    // No rule without a filter expires current objects: uploads and reports stay until someone deletes them.
    expect((rules ?? []).filter((r) => r.ExpirationInDays !== undefined && !r.TagFilters && !r.Prefix)).toEqual([]);
  });

  it('creates one custom event bus for domain events, with a generated name', () => {
    dev.resourceCountIs('AWS::Events::EventBus', 1);
    dev.hasResourceProperties('AWS::Events::EventBus', { Name: Match.stringLikeRegexp('DomainEventBus') });
  });

  it('retains data in prod: tables, buckets, queues, key and bus, with deletion protection on tables', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::KMS::Key']) {
      const all = Object.keys(prod.findResources(type));
      const retained = Object.keys(
        prod.findResources(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }),
      );
      expect(retained, type).toEqual(all);
      expect(all.length, type).toBeGreaterThan(0);
    }
    prod.hasResource('AWS::Events::EventBus', { DeletionPolicy: 'Retain' });
    prod.resourcePropertiesCountIs('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true }, 2);
    prod.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('destroys data in dev and empties its buckets first', () => {
    dev.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    dev.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    dev.resourcePropertiesCountIs('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true }, 0);
    dev.resourceCountIs('Custom::S3AutoDeleteObjects', 3);
  });
});
