import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { OutcallConfig } from '#infra/config';
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from '#shared/adapters/dynamodb/table-schema';

/** The longest a function may run (Lambda's maximum); queue visibility timeouts are derived from it. */
export const MAX_FUNCTION_TIMEOUT = Duration.minutes(15);

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** The validated deployment configuration. */
  readonly config: OutcallConfig;
}

/**
 * Everything that holds data and must outlive a redeploy of the code: the key, the tables, the buckets, the intake
 * queue and the domain event bus. Deployed separately from the functions so that replacing code never risks data.
 * In prod every resource is retained on deletion and the tables refuse deletion.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key (rotated yearly) that encrypts the tables, buckets and queues. */
  readonly key: kms.Key;
  /** The single operational table, shaped by `MAIN_TABLE`. */
  readonly table: dynamodb.Table;
  /** Powertools idempotency records. */
  readonly idempotencyTable: dynamodb.Table;
  /** Planners' call-list uploads (CSV / Excel). */
  readonly uploadsBucket: s3.Bucket;
  /** Generated reports and exports for managers and requesting departments. */
  readonly reportsBucket: s3.Bucket;
  /** Destination of the other buckets' server access logs. */
  readonly accessLogsBucket: s3.Bucket;
  /** Work items of list intake; a Lambda source with up to a 15-minute timeout. */
  readonly intakeQueue: sqs.Queue;
  /** Where intake messages land after repeated failures; kept 14 days for inspection and redrive. */
  readonly intakeDeadLetterQueue: sqs.Queue;
  /** Custom bus for outcall's domain events. */
  readonly bus: events.EventBus;
  /** Amazon Connect contact records (CTRs), KMS-encrypted; the instance streams to it (docs/outcomes.md). */
  readonly contactRecordStream: kinesis.Stream;
  /** Descriptions of contact-record batches that kept failing (shard, sequence range), for inspection and replay. */
  readonly contactRecordFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { retainData } = props.config;
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      description: `outcall ${props.config.stage} data at rest`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'MainTable', {
      partitionKey: { name: MAIN_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: MAIN_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: MAIN_TABLE.ttlAttribute,
      ...this.tableDefaults(retainData, removalPolicy),
    });
    for (const index of MAIN_TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      ...this.tableDefaults(retainData, removalPolicy),
    });

    // S3 cannot deliver server access logs into a KMS-encrypted bucket, so this one alone uses S3-managed keys.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(retainData ? 365 : 30) }],
      ...this.bucketDefaults(retainData, removalPolicy),
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log destination of the other buckets; logging it into itself would loop.',
    });

    this.uploadsBucket = this.dataBucket('UploadsBucket', 'uploads/', retainData, removalPolicy);
    this.reportsBucket = this.dataBucket('ReportsBucket', 'reports/', retainData, removalPolicy);

    this.intakeDeadLetterQueue = new sqs.Queue(this, 'IntakeDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      ...this.queueDefaults(removalPolicy),
    });
    this.intakeQueue = new sqs.Queue(this, 'IntakeQueue', {
      // AWS's rule for Lambda sources: at least six times the function timeout, so a slow batch is not redelivered
      // while it is still running.
      visibilityTimeout: Duration.minutes(MAX_FUNCTION_TIMEOUT.toMinutes() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.intakeDeadLetterQueue, maxReceiveCount: 5 },
      ...this.queueDefaults(removalPolicy),
    });

    // No fixed name: dev and prod (or two developers' stacks) can share an account; functions get the name via BUS_NAME.
    this.bus = new events.EventBus(this, 'DomainEventBus');
    this.bus.applyRemovalPolicy(removalPolicy);

    this.contactRecordStream = new kinesis.Stream(this, 'ContactRecordStream', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      // KMS with the AWS-managed aws/kinesis key: Connect's service-linked role writes to it with no key policy to keep.
      encryption: kinesis.StreamEncryption.MANAGED,
      // Long enough to replay a day of records after an outage of the consumer.
      retentionPeriod: Duration.days(retainData ? 7 : 1),
      removalPolicy,
    });
    this.contactRecordFailureQueue = new sqs.Queue(this, 'ContactRecordFailureQueue', {
      retentionPeriod: Duration.days(14),
      ...this.queueDefaults(removalPolicy),
    });
    Validations.of(this.contactRecordFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the contact-record event source mapping.',
    });
  }

  private tableDefaults(retainData: boolean, removalPolicy: RemovalPolicy) {
    return {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: retainData,
      removalPolicy,
    } satisfies Partial<dynamodb.TableProps>;
  }

  private bucketDefaults(retainData: boolean, removalPolicy: RemovalPolicy) {
    return {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
      // The object-deleting custom resource only exists where the data is disposable.
      autoDeleteObjects: !retainData,
    } satisfies Partial<s3.BucketProps>;
  }

  private dataBucket(id: string, logPrefix: string, retainData: boolean, removalPolicy: RemovalPolicy): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of a KMS call per object.
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logPrefix,
      // Versioning keeps every overwritten upload and report; old versions need not live forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(retainData ? 90 : 7) }],
      ...this.bucketDefaults(retainData, removalPolicy),
    });
  }

  private queueDefaults(removalPolicy: RemovalPolicy) {
    return {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      // Reuse data keys for 5 minutes: far fewer KMS calls at dialing volumes.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      removalPolicy,
    } satisfies Partial<sqs.QueueProps>;
  }
}
