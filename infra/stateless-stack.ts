import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';
import { browserOrigins, type DeployParameters, type OutcallConfig, ssmParameterName } from '#infra/config';
import { AgentReminders } from '#infra/constructs/agent-reminders';
import { Dialing } from '#infra/constructs/dialing';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/function-memory';
import { nagArn } from '#infra/constructs/nag-ids';
import { Operations } from '#infra/constructs/operations';
import { Orders } from '#infra/constructs/orders';
import { OutcallFunction, type OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { Outcomes } from '#infra/constructs/outcomes';
import { QaSampling } from '#infra/constructs/qa-sampling';
import { Reports } from '#infra/constructs/reports';
import { MAX_FUNCTION_TIMEOUT } from '#infra/stateful-stack';
import { MAIN_TABLE } from '#shared/adapters/dynamodb/table-schema';
import { REJECTS_RETENTION_TAG } from '#shared/use-cases/intake/upload-key';

/** What the API's routes use (functions/api/*-routes.ts): what a CORS-enabled API routes and allows by name. */
const CORS_METHODS = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];

/** Throttle of each campaigns API's stage: staff and tools, not the public, call them. */
export const API_THROTTLE: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };

/** The HTTP APIs' access-log fields; `caller` is filled per API (who signed the request, or the token's subject). */
function accessLogFormat(callerVariable: string): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: callerVariable,
      requestTime: '$context.requestTime',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}

/** The main table's index names: functions are granted these indexes by name, never `index/*`. */
export const MAIN_TABLE_INDEX_NAMES = MAIN_TABLE.indexes.map((index) => index.name);

/** Props of {@link StatelessStack}: the stateful resources, typed, so no name is looked up by string. */
export interface StatelessStackProps extends StackProps {
  readonly config: OutcallConfig;
  readonly key: IKey;
  readonly table: ITable;
  readonly idempotencyTable: ITable;
  readonly uploadsBucket: IBucket;
  readonly reportsBucket: IBucket;
  readonly intakeQueue: IQueue;
  readonly intakeDeadLetterQueue: IQueue;
  readonly bus: IEventBus;
  /** Amazon Connect contact records (outcomes). */
  readonly contactRecordStream: IStream;
  /** On-failure destination of the contact-record event source mapping. */
  readonly contactRecordFailureQueue: IQueue;
  /** Queues the uploads bucket notifies for `agents/` and `orders/` sheets. */
  readonly uploadQueues: { readonly agents: IQueue; readonly orders: IQueue };
  /** HMAC secret of phone keys; read by the functions that turn numbers into keys. */
  readonly phoneKeySecret: ISecret;
  /** The people's user pool: the people's API trusts its tokens only. */
  readonly userPool: IUserPool;
  /** The outcall app client: the audience (`aud` / `client_id`) a token must carry. */
  readonly userPoolClient: IUserPoolClient;
}

/**
 * The code: functions and the two campaigns HTTP APIs. Safe to destroy and redeploy at any time.
 *
 * Later functions are added with {@link StatelessStack.addFunction} and bound with the `bind*` methods of
 * {@link OutcallFunction}; routes of the campaigns APIs with {@link StatelessStack.addApiRoute}.
 */
export class StatelessStack extends Stack {
  /** The people's campaigns API: a Cognito token of the outcall app client (JWT authorizer). */
  readonly peopleApi: HttpApi;
  /** Whether the people's API answers CORS (some sign-in callback is a web app's). */
  readonly #peopleCors: boolean;
  /**
   * The machine callers' campaigns API: IAM (SigV4) signatures, roles named `outcall-<role>`. The same routes and
   * functions as {@link peopleApi}. It is the API that existed before people could sign in, so its URL is unchanged.
   */
  readonly machineApi: HttpApi;
  /** The function behind `/campaigns`. */
  readonly apiFunction: OutcallFunction;
  /** Serves `/subjects/{phone}` (export and erasure). */
  readonly subjectsFunction: OutcallFunction;
  /** The daily QA sampler and its per-zone schedules. */
  readonly qaSampling: QaSampling;
  /** List intake: consumes the intake queue (S3 uploads under `lists/` and `dnc/`, and its own continuations). */
  readonly intakeFunction: OutcallFunction;

  /** Contact records, contact events, disposition and call-start functions. */
  readonly outcomes: Outcomes;
  /** Daily-log reminders (every minute) and the Connect roster sync. */
  readonly agentReminders: AgentReminders;
  /** Scheduled team reports, pilot reviews and campaign evaluations by e-mail (docs/reports.md). */
  readonly reports: Reports;
  /** Sales follow-through: OrderPlaced consumer, fulfilment CSV uploads (docs/orders.md). */
  readonly orders: Orders;
  /** The dialing dispatcher (every minute) and the stale-dial reconciler. */
  readonly dialing: Dialing;
  /**
   * Dead-letter queue of every schedule and rule target (QA, reminders, dialing, reports, orders, contact events),
   * and of the asynchronous invocations of every function they invoke (test/infra/async-failures.test.ts).
   */
  readonly scheduleDeadLetterQueue: sqs.Queue;
  /** Alarm topic, alarms and dashboard (docs/operations.md); created last so that it watches every function. */
  readonly operations: Operations;

  private readonly props: StatelessStackProps;
  // One integration per API and function, shared by the function's routes on that API (CDK binds an integration to
  // one API only).
  private readonly integrations = new Map<HttpApi, Map<OutcallFunction, HttpLambdaIntegration>>();

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.props = props;

    // The construct ids of the machine API are those of the single IAM API it replaces: same resources, same URL.
    this.machineApi = this.campaignsApi(
      { api: 'CampaignsApi', stage: 'CampaignsApiStage', accessLogs: 'HttpApiAccessLogs' },
      'campaigns API for machine callers (IAM)',
      new HttpIamAuthorizer(),
      '$context.identity.caller',
    );
    const origins = browserOrigins(props.config);
    this.peopleApi = this.campaignsApi(
      { api: 'PeopleApi', stage: 'PeopleApiStage', accessLogs: 'PeopleApiAccessLogs' },
      "people's campaigns API (Cognito)",
      new HttpUserPoolAuthorizer('PeopleAuthorizer', props.userPool, { userPoolClients: [props.userPoolClient] }),
      // The user's pseudonymous id; never the e-mail address or a name.
      '$context.authorizer.claims.sub',
      origins.length > 0
        ? {
            // Only the web apps the sign-in page may return to; tokens travel in a header, never a cookie.
            allowOrigins: origins,
            allowMethods: [
              CorsHttpMethod.GET,
              CorsHttpMethod.POST,
              CorsHttpMethod.PUT,
              CorsHttpMethod.PATCH,
              CorsHttpMethod.DELETE,
            ],
            allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match'],
            exposeHeaders: ['etag', 'location', 'allow'],
            allowCredentials: false,
            maxAge: Duration.hours(2),
          }
        : undefined,
    );
    this.#peopleCors = origins.length > 0;

    this.apiFunction = this.addFunction('CampaignsApiFunction', {
      entry: 'functions/api/handler.ts',
      serviceName: 'campaigns-api',
      description: 'Campaigns HTTP API',
    })
      .bindTableReadWrite(props.table, { indexNames: MAIN_TABLE_INDEX_NAMES })
      .bindBus(props.bus);
    this.addApiRoute('/campaigns', this.apiFunction);
    this.addApiRoute('/campaigns/{proxy+}', this.apiFunction);
    this.addApiRoute('/qa/{proxy+}', this.apiFunction);
    // One dead-letter queue for every schedule and rule target and for the failed async invocations of every function
    // they invoke (a target's DLQ only gets events Lambda never accepted): one alarm, one place to look.
    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    this.qaSampling = new QaSampling(this, 'QaSampling', {
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      deadLetterQueue: this.scheduleDeadLetterQueue,
      table: props.table,
    });

    this.intakeFunction = this.addIntake(props);

    this.outcomes = new Outcomes(this, 'Outcomes', {
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      instanceArn: this.parameter('connectInstanceArn'),
      table: props.table,
      bus: props.bus,
      contactRecordStream: props.contactRecordStream,
      contactRecordFailureQueue: props.contactRecordFailureQueue,
      deadLetterQueue: this.scheduleDeadLetterQueue,
    });

    this.agentReminders = new AgentReminders(this, 'AgentReminders', {
      deadLetterQueue: this.scheduleDeadLetterQueue,
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      table: props.table,
      connectInstanceId: this.parameter('connectInstanceId'),
      connectInstanceArn: this.parameter('connectInstanceArn'),
      senderAddress: this.parameter('sesSenderAddress'),
    });
    this.dialing = new Dialing(this, 'Dialing', {
      deadLetterQueue: this.scheduleDeadLetterQueue,
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      table: props.table,
      bus: props.bus,
    });
    // The reconciler records lost outcomes through the outcome recorder: it too waits for the counters' mapping.
    this.dialing.reconcilerFunction.node.addDependency(this.outcomes.counterStream);
    // Campaign transitions drive the Amazon Connect campaign (create on first pilot/launch, start, pause, resume,
    // stop), on campaigns of this account and Region only: CreateCampaign is authorised on the campaign ARN too.
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'connect-campaigns:CreateCampaign',
          'connect-campaigns:StartCampaign',
          'connect-campaigns:PauseCampaign',
          'connect-campaigns:ResumeCampaign',
          'connect-campaigns:StopCampaign',
          'connect-campaigns:GetCampaignState',
          'connect-campaigns:DescribeCampaign',
        ],
        resources: [this.formatArn({ service: 'connect-campaigns', resource: 'campaign', resourceName: '*' })],
      }),
    );
    Validations.of(this.apiFunction.executionRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(this, 'connect-campaigns', 'campaign/*')}]`,
      reason: 'Outbound campaigns are created at launch, so their ids are not known at deploy time.',
    });
    this.addApiRoute('/teams', this.apiFunction);
    this.addApiRoute('/teams/{proxy+}', this.apiFunction);
    this.addApiRoute('/agents/{proxy+}', this.apiFunction);

    this.reports = new Reports(this, 'Reports', {
      deadLetterQueue: this.scheduleDeadLetterQueue,
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      table: props.table,
      bus: props.bus,
      reportsBucket: props.reportsBucket,
      senderAddress: this.parameter('sesSenderAddress'),
      managerEmails: this.parameter('managerEmails'),
    });

    this.orders = new Orders(this, 'Orders', {
      deadLetterQueue: this.scheduleDeadLetterQueue,
      addFunction: (fnId, fnProps) => this.addFunction(fnId, fnProps),
      table: props.table,
      bus: props.bus,
      senderAddress: this.parameter('sesSenderAddress'),
    });
    // The order routes are served by the API function (functions/api/order-routes.ts).
    this.addApiRoute('/orders', this.apiFunction);
    this.addApiRoute('/orders/{proxy+}', this.apiFunction);
    this.addApiRoute('/order-reports/{proxy+}', this.apiFunction);

    // Data-subject export and erasure (docs/security.md): admins only, by the API's access table. The number in the
    // path becomes its key with the same phone-key secret intake uses. A function of its own, so that only it holds
    // the secret and the full phone-number metadata.
    this.subjectsFunction = this.addFunction('SubjectsApiFunction', {
      entry: 'functions/api/subjects-handler.ts',
      serviceName: 'subjects-api',
      description: 'Data-subject export and erasure (GET/DELETE /subjects/{phone})',
      environment: { PHONE_KEY_SECRET: this.phoneKeySecretValue() },
    }).bindTableReadWrite(props.table, { indexNames: MAIN_TABLE_INDEX_NAMES });
    this.addApiRoute('/subjects/{proxy+}', this.subjectsFunction);

    this.addUploadConsumers(props);
    this.operations = new Operations(this, 'Operations', {
      key: props.key,
      operatorsEmail: this.parameter('operatorsEmail'),
      deadLetterQueues: {
        IntakeDlq: props.intakeDeadLetterQueue,
        ContactRecordFailures: props.contactRecordFailureQueue,
        ScheduleDlq: this.scheduleDeadLetterQueue,
      },
      streamConsumers: { CounterStream: this.outcomes.countersFunction },
    });

    new CfnOutput(this, 'PeopleApiUrl', { value: this.peopleApi.apiEndpoint });
    new CfnOutput(this, 'MachineApiUrl', { value: this.machineApi.apiEndpoint });
  }

  /**
   * One campaigns HTTP API: its default authorizer on every route, and a `$default` stage with the shared throttle
   * and JSON access logs in a log group kept as long as the stage's other logs.
   */
  private campaignsApi(
    ids: { readonly api: string; readonly stage: string; readonly accessLogs: string },
    description: string,
    defaultAuthorizer: IHttpRouteAuthorizer,
    callerVariable: string,
    corsPreflight?: CorsPreflightOptions,
  ): HttpApi {
    const { config } = this.props;
    const accessLogs = new logs.LogGroup(this, ids.accessLogs, {
      retention: config.logRetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const api = new HttpApi(this, ids.api, {
      description: `outcall ${config.stage} ${description}`,
      defaultAuthorizer,
      ...(corsPreflight ? { corsPreflight } : {}),
      // The stage is created below so it can carry access logging and the throttle.
      createDefaultStage: false,
    });
    new HttpStage(this, ids.stage, {
      httpApi: api,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: accessLogFormat(callerVariable),
      },
    });
    return api;
  }

  /** `agents/` roster sheets and `orders/` fulfilment sheets, each from its own notification queue. */
  private addUploadConsumers(props: StatelessStackProps): void {
    const agents = this.addFunction('AgentsUploadFunction', {
      entry: 'functions/agents/agents-upload.ts',
      serviceName: 'agents-upload',
      description: 'Roster sheets uploaded under agents/',
      timeout: Duration.minutes(5),
    })
      .bindTableReadWrite(props.table, { indexNames: ['gsi1'] })
      // Only its own prefix: the rest of the bucket holds call lists (phone numbers) it has no business reading.
      .bindBucketRead(props.uploadsBucket, { keyPrefix: 'agents/' });
    agents.addEventSource(
      new SqsEventSource(props.uploadQueues.agents, { batchSize: 1, reportBatchItemFailures: true }),
    );

    const sender = this.parameter('sesSenderAddress');
    const orders = this.addFunction('OrdersUploadFunction', {
      entry: 'functions/orders/fulfilment-upload.ts',
      serviceName: 'orders-upload',
      description: 'Fulfilment sheets uploaded under orders/',
      timeout: Duration.minutes(5),
      environment: { SES_SENDER: sender },
    })
      .bindTableReadWrite(props.table, { indexNames: ['gsi1', 'gsi2'] })
      .bindBucketRead(props.uploadsBucket, { keyPrefix: 'orders/' })
      .bindBus(props.bus);
    orders.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: sender })],
      }),
    );
    orders.addEventSource(
      new SqsEventSource(props.uploadQueues.orders, { batchSize: 1, reportBatchItemFailures: true }),
    );
  }

  /**
   * Intake queue → intake function. One message per invocation (a file can take the whole 15 minutes; it
   * checkpoints and re-queues itself before that), partial batch responses, and the queue's own redrive to its DLQ.
   * The bucket's notification to the queue (ObjectCreated under `lists/` and `dnc/`) belongs with the bucket and the
   * queue in the stateful stack: added from here, CDK's S3→SQS destination makes the bucket, the queue's KMS key and
   * the key policy depend on each other (a cycle) and adds an unreviewed custom-resource function.
   */
  private addIntake(props: StatelessStackProps): OutcallFunction {
    const sender = this.parameter('sesSenderAddress');
    const fn = this.addFunction('IntakeFunction', {
      entry: 'functions/intake/ingest.ts',
      serviceName: 'intake',
      description: 'List intake: uploaded call lists and DNC files into contacts',
      memorySize: FUNCTION_MEMORY_MB.intake,
      timeout: MAX_FUNCTION_TIMEOUT,
      environment: {
        SES_SENDER: sender,
        DNC_REPORT_TO: this.parameter('managerEmails'),
        // The HMAC secret of phone keys: one value per deployment, never changed (see shared/domain/phone-key.ts).
        PHONE_KEY_SECRET: this.phoneKeySecretValue(),
        INTAKE_MAX_MB: '200',
      },
    })
      .bindTableReadWrite(props.table, { indexNames: MAIN_TABLE_INDEX_NAMES })
      .bindBucketReadWrite(props.uploadsBucket)
      .bindBus(props.bus)
      .bindQueueSend(props.intakeQueue);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: sender })],
      }),
    );
    // Rejects files are written with their retention tag (x-amz-tagging), which S3 authorises as s3:PutObjectTagging;
    // that tag, and no other, is all intake may set, so it cannot take an object out of (or into) another rule.
    const uploads = props.uploadsBucket.arnForObjects('*');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObjectTagging'],
        resources: [uploads],
        conditions: {
          StringEquals: { [`s3:RequestObjectTag/${REJECTS_RETENTION_TAG.key}`]: REJECTS_RETENTION_TAG.value },
          'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': [REJECTS_RETENTION_TAG.key] },
        },
      }),
    );
    // The rejects parts hold raw rejected rows: intake deletes them once the rejects file is composed (the bucket's
    // `intake-work/` lifecycle rule catches what a failed delete leaves).
    const workFiles = props.uploadsBucket.arnForObjects('intake-work/*');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [workFiles] }));
    // Finding ids embed resolved ARNs, known only after CDK resolves references; validation runs before the nag pack.
    fn.node.addValidation({
      validate: () => {
        Validations.of(fn.executionRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(this.resolve(uploads))}]`,
          reason: 'Rejects files sit beside any upload; the condition allows the one retention tag and nothing else.',
        });
        Validations.of(fn.executionRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(this.resolve(workFiles))}]`,
          reason: "Intake's own work files, one folder per list; nothing else in the bucket can be deleted.",
        });
        return [];
      },
    });
    fn.addEventSource(new SqsEventSource(props.intakeQueue, { batchSize: 1, reportBatchItemFailures: true }));
    return fn;
  }

  /**
   * The phone-key secret as an environment value: CloudFormation resolves it at deploy time into the function's
   * (KMS-encrypted) configuration, so no function calls Secrets Manager, or bundles its client, on a cold start.
   */
  private phoneKeySecretValue(): string {
    return this.props.phoneKeySecret.secretValue.unsafeUnwrap();
  }

  /**
   * Creates an {@link OutcallFunction} for this stage. It has no access to anything until bound.
   *
   * @param id construct id, PascalCase, ending in `Function`
   * @param props function props; `stage` comes from the stack's config
   */
  addFunction(id: string, props: Omit<OutcallFunctionProps, 'stage'>): OutcallFunction {
    return new OutcallFunction(this, id, { ...props, stage: this.props.config.stage });
  }

  /**
   * A deploy parameter as a value for an environment variable: the literal from context, or a CloudFormation SSM
   * parameter resolved at deploy time (created on first use, so unused ones do not clutter the template).
   *
   * @param name e.g. `connectInstanceId`
   */
  parameter(name: keyof DeployParameters): string {
    const value = this.props.config.parameters[name];
    const ssmName = ssmParameterName(value);
    return ssmName ? ssm.StringParameter.valueForStringParameter(this, ssmName) : value;
  }

  /**
   * Routes every method of `path` to `fn` on both campaigns APIs: the people's (Cognito token) and the machine
   * callers' (IAM). The function reads either identity (`shared/http/request-context.ts`).
   *
   * @param path e.g. `/campaigns/{proxy+}`
   * @param methods @default [HttpMethod.ANY]
   */
  addApiRoute(path: string, fn: OutcallFunction, methods: HttpMethod[] = [HttpMethod.ANY]): void {
    for (const api of [this.machineApi, this.peopleApi]) {
      let byFunction = this.integrations.get(api);
      if (!byFunction) {
        byFunction = new Map();
        this.integrations.set(api, byFunction);
      }
      let integration = byFunction.get(fn);
      if (!integration) {
        // One invoke permission per API and function rather than per route: a function serves many routes (five
        // methods each on a CORS-enabled API), and a function's resource policy is limited to 20 KB.
        integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn, { scopePermissionToRoute: false });
        byFunction.set(fn, integration);
      }
      // A browser's preflight (OPTIONS) carries no token: an ANY route would catch it and its authorizer refuse it.
      // With CORS on, the people's API names the methods instead, so no route matches OPTIONS and API Gateway
      // answers the preflight itself, from the API's CORS configuration.
      const routeMethods =
        api === this.peopleApi && this.#peopleCors && methods.includes(HttpMethod.ANY) ? CORS_METHODS : methods;
      api.addRoutes({ path, methods: routeMethods, integration });
    }
  }
}
