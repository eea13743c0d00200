import { Duration, Stack } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { EventSourceMapping, FilterCriteria, type IEventSourceDlq, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTCOME_CONTACT_EVENT_TYPES } from '#events/connect/contact-event';
import { asyncFailures } from '#infra/constructs/async-failures';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/function-memory';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { ATTEMPT_STREAM_FILTER } from '#shared/adapters/dynamodb/attempt-stream';

/**
 * The counters' stream mapping (docs/data-model.md "Counters"). A batch closes at 1,000 records or 60 s: at the
 * default pace (60 dials a minute per campaign, 3–4 attempt writes a call) a shard's batch holds a campaign's minute,
 * so its counter items (campaign, the agents who took calls, their teams) are written once a minute instead of with
 * every call. Counters lag by that minute: reports run daily, reminders near the shift's end.
 */
export const COUNTER_STREAM_BATCH = { size: 1_000, window: Duration.seconds(60) } as const;

/** Props of {@link Outcomes}. */
export interface OutcomesProps {
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  /** The Amazon Connect instance ARN (literal or resolved SSM parameter). */
  readonly instanceArn: string;
  readonly table: ITable;
  /** outcall's domain bus: `OrderPlaced` goes there. */
  readonly bus: events.IEventBus;
  /** The KMS-encrypted stream Connect writes contact records to (stateful stack). */
  readonly contactRecordStream: IStream;
  /** Where batches of contact records that keep failing are described (stateful stack). */
  readonly contactRecordFailureQueue: IQueue;
  /**
   * Dead-letter queue of the contact-events rule and of the events the function failed on, shared with the stack's
   * schedules and other rules (one queue to watch); also where a counters batch that never succeeds is described.
   */
  readonly deadLetterQueue: IQueue;
}

/**
 * Outcomes wiring: contact records (Kinesis, associated with the instance), contact events (default bus rule), and
 * the two flow Lambdas Connect may invoke (permission scoped to the instance, plus the integration association that
 * lists them in the flow designer). See docs/outcomes.md and docs/connect-disposition.md.
 */
export class Outcomes extends Construct {
  readonly contactRecordsFunction: OutcallFunction;
  readonly contactEventsFunction: OutcallFunction;
  readonly dispositionFunction: OutcallFunction;
  readonly callStartFunction: OutcallFunction;
  /** Applies the attempts' counts to the counter items, from the main table's stream. */
  readonly countersFunction: OutcallFunction;
  /**
   * The counters' stream mapping. Every function that records outcomes (these four, and the dialing reconciler)
   * must depend on it, so that a first deploy starts it before any of them writes what it no longer counts.
   */
  readonly counterStream: EventSourceMapping;

  constructor(scope: Construct, id: string, props: OutcomesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Everything the recorder reads is a key of the table (the Connect contact id has a link item): no index.
    const bind = (fn: OutcallFunction) => fn.bindTableReadWrite(props.table).bindBus(props.bus);

    new connect.CfnInstanceStorageConfig(this, 'ContactRecordStorage', {
      instanceArn: props.instanceArn,
      resourceType: 'CONTACT_TRACE_RECORDS',
      storageType: 'KINESIS_STREAM',
      kinesisStreamConfig: { streamArn: props.contactRecordStream.streamArn },
    });

    this.contactRecordsFunction = bind(
      props.addFunction('ContactRecordsFunction', {
        memorySize: FUNCTION_MEMORY_MB.outcomeStreams,
        entry: 'functions/outcomes/contact-records.ts',
        serviceName: 'outcomes',
        description: 'Contact records from Kinesis: final outcomes, contact moves and counters',
        timeout: Duration.seconds(60),
      }),
    );
    this.contactRecordsFunction.addEventSource(
      new KinesisEventSource(props.contactRecordStream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        onFailure: narrowSqsDestination(props.contactRecordFailureQueue),
      }),
    );

    this.contactEventsFunction = bind(
      props.addFunction('ContactEventsFunction', {
        memorySize: FUNCTION_MEMORY_MB.outcomeStreams,
        entry: 'functions/outcomes/contact-events.ts',
        serviceName: 'outcomes',
        description: 'Amazon Connect contact events: early and live outcomes',
        // An event that still fails lands in the shared queue, so its alarm shows outcomes are failing; the contact
        // record still brings the final outcome either way.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      }),
    );
    new events.Rule(this, 'ContactEventsRule', {
      description: 'Amazon Connect contact events of the outcall instance that outcomes learn from',
      eventPattern: {
        source: ['aws.connect'],
        detailType: ['Amazon Connect Contact Event'],
        detail: { instanceArn: [props.instanceArn], eventType: [...OUTCOME_CONTACT_EVENT_TYPES] },
      },
      targets: [
        new targets.LambdaFunction(this.contactEventsFunction, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });

    [this.countersFunction, this.counterStream] = this.addCounters(props);

    this.dispositionFunction = bind(
      props.addFunction('DispositionFunction', {
        memorySize: FUNCTION_MEMORY_MB.outcomeFlows,
        entry: 'functions/outcomes/disposition.ts',
        serviceName: 'outcomes',
        description: "The agent's disposition from the Disconnect flow for agent UI",
        // A flow waits at most 8 s for a Lambda.
        timeout: Duration.seconds(8),
      }),
    );
    this.callStartFunction = bind(
      props.addFunction('CallStartFunction', {
        memorySize: FUNCTION_MEMORY_MB.outcomeFlows,
        entry: 'functions/outcomes/call-start.ts',
        serviceName: 'outcomes',
        description: 'Outbound flow call start: contact id ↔ attempt, screen-pop values',
        timeout: Duration.seconds(8),
      }),
    );
    for (const [name, fn] of [
      ['Disposition', this.dispositionFunction],
      ['CallStart', this.callStartFunction],
    ] as const) {
      fn.addPermission(`${name}ConnectInvoke`, {
        principal: new iam.ServicePrincipal('connect.amazonaws.com'),
        sourceArn: props.instanceArn,
        sourceAccount: stack.account,
      });
      new connect.CfnIntegrationAssociation(this, `${name}Integration`, {
        instanceId: props.instanceArn,
        integrationType: 'LAMBDA_FUNCTION',
        integrationArn: fn.functionArn,
      });
    }
    for (const fn of [
      this.contactRecordsFunction,
      this.contactEventsFunction,
      this.dispositionFunction,
      this.callStartFunction,
    ]) {
      fn.node.addDependency(this.counterStream);
    }
  }

  /**
   * The counters aggregator on the main table's stream, exactly once per batch (docs/data-model.md "Counters"):
   * - filtered to attempt records (their new image carries `fz`): REMOVEs and every other item never invoke it;
   * - ParallelizationFactor 1 and no bisecting: a failed batch is retried from the same first record, with the same
   *   records and maybe more, which is what the batch markers rely on (a bisected half would start mid-group);
   *   no ReportBatchItemFailures for the same reason;
   * - retried until its records expire (24 h), then described in the shared dead-letter queue; the IteratorAge alarm
   *   (Operations) fires long before that;
   * - LATEST, never TRIM_HORIZON: a mapping created again (stack redeployed, mapping replaced) would read up to 24 h
   *   of records already applied under other batch boundaries, so other markers, and count them twice; LATEST loses
   *   the counts of the writes made while no mapping exists instead. On the first deploy the recorder functions
   *   depend on this mapping ({@link counterStream}): until they are updated, writes come from the previous recorder,
   *   which counts in its own transaction (its records are recognised and skipped, attempt-blob.ts).
   * Stream reads are granted on this table's stream only; writes on the table (counter items and markers).
   */
  private addCounters(props: OutcomesProps): [OutcallFunction, EventSourceMapping] {
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('the main table has no stream: the counters are applied from it');
    const fn = props
      .addFunction('CountersFunction', {
        memorySize: FUNCTION_MEMORY_MB.outcomeStreams,
        entry: 'functions/outcomes/counters.ts',
        serviceName: 'outcomes',
        description: "Counters from the main table's stream: what each attempt write changed in what it counted",
        timeout: Duration.seconds(60),
      })
      .bindTableReadWrite(props.table);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    const mapping = new EventSourceMapping(this, 'CounterStream', {
      target: fn,
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.LATEST,
      batchSize: COUNTER_STREAM_BATCH.size,
      maxBatchingWindow: COUNTER_STREAM_BATCH.window,
      parallelizationFactor: 1,
      bisectBatchOnError: false,
      retryAttempts: -1,
      filters: [FilterCriteria.filter(ATTEMPT_STREAM_FILTER)],
      onFailure: narrowSqsDestination(props.deadLetterQueue),
    });
    return [fn, mapping];
  }
}

/**
 * The on-failure destination of an event source mapping, granting exactly SendMessage and the two key actions it
 * needs (CDK's `SqsDlq` grants `kms:ReEncrypt*` and `kms:GenerateDataKey*`).
 */
function narrowSqsDestination(queue: IQueue): IEventSourceDlq {
  return {
    bind: (_target, targetHandler) => {
      targetHandler.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
      );
      if (queue.encryptionMasterKey) {
        targetHandler.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [queue.encryptionMasterKey.keyArn],
          }),
        );
      }
      return { destination: queue.queueArn };
    },
  };
}
