import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';
import type { Stage } from '#infra/config';
import { nodejsBundling } from '#infra/constructs/bundling';

/** The metrics namespace every outcall function publishes to; dashboards and alarms rely on it. */
export const METRICS_NAMESPACE = 'outcall';

/** Environment keys the construct owns; a caller giving a different value is a wiring mistake. */
const RESERVED_ENVIRONMENT = ['STAGE', 'POWERTOOLS_METRICS_NAMESPACE'] as const;

/** Props of {@link OutcallFunction}. Runtime, architecture, tracing, logging, role and bundling are fixed. */
export interface OutcallFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'runtime' | 'architecture' | 'tracing' | 'logGroup' | 'logRetention' | 'bundling' | 'role' | 'environment'
  > {
  /** Path of the handler module, e.g. `functions/api/http-api.ts`; its export must be named `handler`. */
  readonly entry: string;
  /** Deployment stage; sets `STAGE` and the log retention. */
  readonly stage: Stage;
  /**
   * Powertools service name (`POWERTOOLS_SERVICE_NAME`), used in every log line and metric dimension.
   * @default 'outcall'
   */
  readonly serviceName?: string;
  /**
   * Extra environment, merged over the defaults. `STAGE` and `POWERTOOLS_METRICS_NAMESPACE` cannot be changed.
   * @default - only the defaults
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Days the function's own log group keeps events.
   * @default 365 in prod, 30 otherwise
   */
  readonly logRetentionDays?: number;
  /**
   * Memory in MB (1,769 MB is one full vCPU).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Maximum run time.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
}

/** Options of the table binders. */
export interface TableBindingOptions {
  /**
   * Environment variable that receives the table name.
   * @default 'TABLE_NAME'
   */
  readonly envName?: string;
  /**
   * Global secondary indexes the function may query; each is granted by name, never `index/*`.
   * @default - none
   */
  readonly indexNames?: readonly string[];
}

/** Options of the bucket binders. */
export interface BucketBindingOptions {
  /**
   * Environment variable that receives the bucket name.
   * @default 'BUCKET_NAME'
   */
  readonly envName?: string;
  /**
   * Key prefix the function may touch, e.g. `reports/`.
   * @default - every key
   */
  readonly keyPrefix?: string;
}

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
// Explicit KMS actions: the CDK grant helpers add `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which nag flags.
const KMS_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'];

/** What a bucket binder grants on objects; one policy per bucket, key prefix and access level. */
type ObjectAccess = 'Read' | 'ReadWrite';
// GetObjectVersion: the buckets are versioned and readers fetch the version named in the S3 notification, which
// S3 authorises as GetObjectVersion, not GetObject.
const OBJECT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
const OBJECT_ACTIONS: Record<ObjectAccess, { objects: readonly string[]; key: readonly string[] }> = {
  Read: { objects: OBJECT_READ_ACTIONS, key: KMS_READ_ACTIONS },
  ReadWrite: {
    objects: [...OBJECT_READ_ACTIONS, 's3:PutObject', 's3:AbortMultipartUpload'],
    key: [...KMS_READ_ACTIONS, ...KMS_WRITE_ACTIONS],
  },
};

/**
 * A Lambda function with outcall's defaults: Node.js 24 on ARM64, active X-Ray tracing, its own log group with a
 * retention, ESM bundling from {@link nodejsBundling} (AWS SDK bundled), a dedicated role with no AWS-managed policy,
 * and Powertools environment defaults that a caller's `environment` extends but never erases.
 *
 * Grant access only through the `bind*` methods: each adds the narrowest statement and the environment variable the
 * handler reads the resource's name from.
 */
export class OutcallFunction extends NodejsFunction {
  /** The execution role; its only policies are the log group, tracing and what `bind*` adds. */
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: OutcallFunctionProps) {
    const { stage, serviceName, environment, logRetentionDays, ...rest } = props;
    const retainData = stage === 'prod';
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetentionDays ?? (retainData ? 365 : 30),
      removalPolicy: retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id} (${stage})`,
    });
    super(scope, id, {
      memorySize: 1024,
      timeout: Duration.seconds(30),
      ...rest,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      logGroup,
      role,
      bundling: nodejsBundling(),
      environment: mergeEnvironment(stage, serviceName ?? 'outcall', environment),
    });
    this.executionRole = role;
    logGroup.grantWrite(role);
    // Tracing is switched on at the CloudFormation level so that the X-Ray statement (which only accepts
    // Resource: *) lives once per stack in a shared policy instead of once per function.
    (this.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    role.addManagedPolicy(tracingPolicy(Stack.of(this)));
  }

  /**
   * Read-only item access to a table (GetItem, BatchGetItem, Query, ConditionCheckItem), plus decrypt with its key.
   * Sets `TABLE_NAME` (or `options.envName`).
   */
  bindTableRead(table: ITable, options: TableBindingOptions = {}): this {
    return this.bindTable(table, TABLE_READ_ACTIONS, KMS_READ_ACTIONS, options);
  }

  /**
   * Read and write item access to a table (adds PutItem, UpdateItem, DeleteItem, BatchWriteItem; transactions are
   * authorised per item), plus encrypt/decrypt with its key. Sets `TABLE_NAME` (or `options.envName`).
   */
  bindTableReadWrite(table: ITable, options: TableBindingOptions = {}): this {
    return this.bindTable(
      table,
      [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
      [...KMS_READ_ACTIONS, ...KMS_WRITE_ACTIONS],
      options,
    );
  }

  /**
   * GetObject (of the current or a given version) and ListBucket on a bucket, decrypting with its key. Sets
   * `BUCKET_NAME` (or `options.envName`). The grant is a policy shared by every function with the same access.
   */
  bindBucketRead(bucket: IBucket, options: BucketBindingOptions = {}): this {
    return this.bindBucket(bucket, 'Read', options);
  }

  /** {@link bindBucketRead} plus PutObject and AbortMultipartUpload. Sets `BUCKET_NAME` (or `options.envName`). */
  bindBucketReadWrite(bucket: IBucket, options: BucketBindingOptions = {}): this {
    return this.bindBucket(bucket, 'ReadWrite', options);
  }

  /** PutEvents on one bus. Sets `BUS_NAME` (or `envName`). */
  bindBus(bus: IEventBus, envName = 'BUS_NAME'): this {
    bus.grantPutEventsTo(this);
    this.addEnvironment(envName, bus.eventBusName);
    return this;
  }

  /** SendMessage on one queue (encrypting with its key). Sets `QUEUE_URL` (or `envName`), what SendMessage takes. */
  bindQueueSend(queue: IQueue, envName = 'QUEUE_URL'): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    this.allowKey(queue.encryptionMasterKey, ['kms:Decrypt', 'kms:GenerateDataKey']);
    this.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  private bindTable(
    table: ITable,
    actions: readonly string[],
    keyActions: readonly string[],
    options: TableBindingOptions,
  ): this {
    const indexArns = (options.indexNames ?? []).map((name) => `${table.tableArn}/index/${name}`);
    this.allow(actions, [table.tableArn, ...indexArns]);
    this.allowKey(table.encryptionKey, keyActions);
    this.addEnvironment(options.envName ?? 'TABLE_NAME', table.tableName);
    return this;
  }

  private bindBucket(bucket: IBucket, access: ObjectAccess, options: BucketBindingOptions): this {
    this.executionRole.addManagedPolicy(objectAccessPolicy(Stack.of(this), bucket, options.keyPrefix ?? '', access));
    this.addEnvironment(options.envName ?? 'BUCKET_NAME', bucket.bucketName);
    return this;
  }

  private allow(actions: readonly string[], resources: readonly string[]): void {
    this.executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...actions], resources: [...resources] }),
    );
  }

  private allowKey(key: IKey | undefined, actions: readonly string[]): void {
    if (key) this.allow(actions, [key.keyArn]);
  }
}

function mergeEnvironment(
  stage: Stage,
  serviceName: string,
  environment: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const defaults: Record<string, string> = {
    STAGE: stage,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  for (const key of RESERVED_ENVIRONMENT) {
    const given = environment[key];
    if (given !== undefined && given !== defaults[key]) throw new ReservedEnvironmentError(key, given);
  }
  // No `--enable-source-maps` by default: measured, it adds 13–32% CPU to every cold start (bench/README.md). The
  // maps ship with each bundle, so a stack trace can be mapped offline, or the flag set on one function to debug it.
  return { ...defaults, ...environment };
}

/** A caller tried to set an environment variable that {@link OutcallFunction} owns. */
export class ReservedEnvironmentError extends Error {
  override readonly name = 'ReservedEnvironmentError';
  constructor(key: string, value: string) {
    super(`${key} is set by OutcallFunction and cannot be overridden (got ${JSON.stringify(value)}).`);
  }
}

/** What each shared object policy grants, so that two different grants never end up under one construct id. */
const objectPolicyGrants = new WeakMap<iam.ManagedPolicy, string>();

/**
 * The stack's policy for one (bucket, key prefix, access level), created on first use and attached to every role
 * bound the same way. Object keys are data (one per upload or report), so object actions need `bucket/prefix*` and
 * cdk-nag reports IAM5 for it: shared, that is one acknowledgment per distinct grant rather than one per function.
 */
function objectAccessPolicy(stack: Stack, bucket: IBucket, prefix: string, access: ObjectAccess): iam.ManagedPolicy {
  const id = `${bucket.node.id}${pascalCase(prefix)}${access}Objects`;
  const grant = `${access} ${bucket.node.path}/${prefix}*`;
  const existing = stack.node.tryFindChild(id);
  if (existing) {
    if (!(existing instanceof iam.ManagedPolicy) || objectPolicyGrants.get(existing) !== grant) {
      throw new Error(`${id} already exists in ${stack.stackName} and is not the policy for ${grant}`);
    }
    return existing;
  }
  const objects = bucket.arnForObjects(`${prefix}*`);
  const { objects: objectActions, key: keyActions } = OBJECT_ACTIONS[access];
  const policy = new iam.ManagedPolicy(stack, id, {
    description: `${access} objects${prefix ? ` under ${prefix}` : ''} of ${bucket.node.id} (outcall functions)`,
    statements: [
      new iam.PolicyStatement({ actions: [...objectActions], resources: [objects] }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
      }),
      ...(bucket.encryptionKey
        ? [new iam.PolicyStatement({ actions: [...keyActions], resources: [bucket.encryptionKey.keyArn] })]
        : []),
    ],
  });
  objectPolicyGrants.set(policy, grant);
  // The finding's id embeds the resolved ARN, which for a bucket in another stack is known only after CDK has
  // rewritten cross-stack references; construct validation runs after that and before the nag pack.
  policy.node.addValidation({
    validate: () => {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(objects))}]`,
        reason: 'Object keys are per-upload data; access is limited to this bucket (and key prefix) by the binder.',
      });
      return [];
    },
  });
  return policy;
}

/** `reports/` → `Reports`, `a-b/c/` → `ABC`: a key prefix as part of a construct id. */
function pascalCase(prefix: string): string {
  return prefix
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

const TRACING_POLICY_ID = 'OutcallTracingPolicy';

function tracingPolicy(stack: Stack): iam.IManagedPolicy {
  const existing = stack.node.tryFindChild(TRACING_POLICY_ID);
  if (existing) return existing as iam.ManagedPolicy;
  const policy = new iam.ManagedPolicy(stack, TRACING_POLICY_ID, {
    description: 'Lets outcall functions send X-Ray segments',
    statements: [
      new iam.PolicyStatement({
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    ],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; one policy shared by all functions.',
  });
  return policy;
}
