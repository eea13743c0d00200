import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { OutcallConfig } from '#infra/config';
import { PeopleUserPool } from '#infra/constructs/people-user-pool';
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from '#shared/adapters/dynamodb/table-schema';
import { REJECTS_RETENTION_DAYS, REJECTS_RETENTION_TAG } from '#shared/use-cases/intake/upload-key';

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
  /** Customer-managed key (rotated yearly) of the queues the uploads bucket notifies. */
  readonly notificationsKey: kms.Key;
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
  /** Uploads under `agents/` (roster sheets) and `orders/` (fulfilment sheets), each consumed by its own function. */
  readonly uploadQueues: { readonly agents: sqs.Queue; readonly orders: sqs.Queue };
  /**
   * The HMAC secret of phone keys (shared/domain/phone-key.ts). Generated once and never rotated: every key and every
   * DNC entry is derived from it, so it is retained even when the stage's other data is not.
   */
  readonly phoneKeySecret: secretsmanager.Secret;
  /** Custom bus for outcall's domain events. */
  readonly bus: events.EventBus;
  /** Amazon Connect contact records (CTRs), KMS-encrypted; the instance streams to it (docs/outcomes.md). */
  readonly contactRecordStream: kinesis.Stream;
  /** Descriptions of contact-record batches that kept failing (shard, sequence range), for inspection and replay. */
  readonly contactRecordFailureQueue: sqs.Queue;
  /** The people who sign in (one group per API role), with the app client whose tokens the people's API accepts. */
  readonly people: PeopleUserPool;
  /** {@link people}'s pool: its issuer is the one the people's API trusts. */
  readonly userPool: cognito.IUserPool;
  /** {@link people}'s app client: the audience the people's API requires. */
  readonly userPoolClient: cognito.IUserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { retainData } = props.config;
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      description: `outcall ${props.config.stage} data at rest`,
      enableKeyRotation: true,
      removalPolicy,
    });

    // The queues S3 notifies get their own key: S3 must be allowed to use the key of a queue it writes to, and that
    // grant on the data key would make the data key depend on the uploads bucket it encrypts (a cycle).
    this.notificationsKey = new kms.Key(this, 'UploadNotificationsKey', {
      description: `outcall ${props.config.stage} upload notification queues`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'MainTable', {
      partitionKey: { name: MAIN_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: MAIN_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: MAIN_TABLE.ttlAttribute,
      // Read by the counters' aggregator (infra/constructs/outcomes.ts); Lambda's reads of a table's stream are free.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
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

    this.uploadsBucket = this.dataBucket('UploadsBucket', 'uploads/', retainData, removalPolicy, [
      // Rejects files (`<upload>.rejects.csv`) hold the raw rejected rows, numbers included. They sit beside the
      // uploads, so no prefix selects them: intake tags them as it writes them. A versioned bucket only hides an
      // expired object behind a delete marker, so the hidden version (it keeps its tags) goes a day later.
      {
        id: 'ExpireRejectsFiles',
        tagFilters: { [REJECTS_RETENTION_TAG.key]: REJECTS_RETENTION_TAG.value },
        expiration: Duration.days(REJECTS_RETENTION_DAYS),
        noncurrentVersionExpiration: Duration.days(1),
      },
      // Intake's work files (the rejects parts a rejects file is composed from) are the same rows; intake deletes
      // them when a list is done, and this catches what a failed delete or an abandoned list leaves. 30 days outlives
      // a message's time in the intake queue and its dead-letter queue (4 + 14 days), so a redriven list finds them.
      {
        id: 'ExpireIntakeWork',
        prefix: 'intake-work/',
        expiration: Duration.days(REJECTS_RETENTION_DAYS),
        noncurrentVersionExpiration: Duration.days(1),
      },
      // The delete markers those expirations leave, once no version is behind them.
      { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
    ]);
    this.reportsBucket = this.dataBucket('ReportsBucket', 'reports/', retainData, removalPolicy);

    this.intakeDeadLetterQueue = new sqs.Queue(this, 'IntakeDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      ...this.queueDefaults(removalPolicy, this.notificationsKey),
    });
    this.intakeQueue = new sqs.Queue(this, 'IntakeQueue', {
      // AWS's rule for Lambda sources: at least six times the function timeout, so a slow batch is not redelivered
      // while it is still running.
      visibilityTimeout: Duration.minutes(MAX_FUNCTION_TIMEOUT.toMinutes() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.intakeDeadLetterQueue, maxReceiveCount: 5 },
      ...this.queueDefaults(removalPolicy, this.notificationsKey),
    });

    // S3 → SQS in this stack, next to the bucket, the queue and the key: the key policy lets S3 encrypt messages, and
    // nothing here depends on a function.
    for (const prefix of ['lists/', 'dnc/']) {
      this.uploadsBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.intakeQueue), {
        prefix,
      });
    }
    this.uploadQueues = {
      agents: this.uploadQueue('AgentsUpload', removalPolicy),
      orders: this.uploadQueue('OrdersUpload', removalPolicy),
    };
    this.uploadsBucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(this.uploadQueues.agents),
      { prefix: 'agents/' },
    );
    this.uploadsBucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(this.uploadQueues.orders),
      { prefix: 'orders/' },
    );

    // CDK's own custom resource that applies the bucket notification configuration (deploy time only).
    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's bucket-notification custom resource: it runs at deploy time and only writes its own logs.",
      });
    }

    this.phoneKeySecret = new secretsmanager.Secret(this, 'PhoneKeySecret', {
      description: `outcall ${props.config.stage}: HMAC secret of phone keys; never change it`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.phoneKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating it would orphan every phone key and DNC entry derived from it; it is a pseudonymisation key.',
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

    // Users are state: an account (and its MFA enrolment) must survive a redeploy of the code.
    this.people = new PeopleUserPool(this, 'People', {
      stage: props.config.stage,
      retainData,
      removalPolicy,
      callbackUrls: props.config.signInCallbackUrls,
    });
    this.userPool = this.people.userPool;
    this.userPoolClient = this.people.client;
  }

  /** A small-file upload queue with its DLQ; its consumer runs at most a few minutes. */
  private uploadQueue(id: string, removalPolicy: RemovalPolicy): sqs.Queue {
    const deadLetterQueue = new sqs.Queue(this, `${id}DeadLetterQueue`, {
      retentionPeriod: Duration.days(14),
      ...this.queueDefaults(removalPolicy, this.notificationsKey),
    });
    return new sqs.Queue(this, `${id}Queue`, {
      visibilityTimeout: Duration.minutes(6 * 5),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
      ...this.queueDefaults(removalPolicy, this.notificationsKey),
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

  private dataBucket(
    id: string,
    logPrefix: string,
    retainData: boolean,
    removalPolicy: RemovalPolicy,
    lifecycleRules: readonly s3.LifecycleRule[] = [],
  ): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of a KMS call per object.
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logPrefix,
      // Versioning keeps every overwritten upload and report; old versions need not live forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(retainData ? 90 : 7) }, ...lifecycleRules],
      ...this.bucketDefaults(retainData, removalPolicy),
    });
  }

  private queueDefaults(removalPolicy: RemovalPolicy, key: kms.IKey = this.key) {
    return {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      // Reuse data keys for 5 minutes: far fewer KMS calls at dialing volumes.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      removalPolicy,
    } satisfies Partial<sqs.QueueProps>;
  }
}
