import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { asyncFailures } from '#infra/constructs/async-failures';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/function-memory';
import { nagArn } from '#infra/constructs/nag-ids';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { ExactLambdaInvoke } from '#infra/constructs/schedule-target';

/** Props of {@link Dialing}. */
export interface DialingProps {
  /**
   * Dead-letter queue of the schedules, shared with other schedules of the stack (one queue to watch and redrive).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  readonly table: ITable;
  /** The domain bus: the reconciler records lost outcomes through the outcome recorder, which may emit events. */
  readonly bus: IEventBus;
  /**
   * Zone the schedules are written in; a rate does not depend on it, but Scheduler is always told one explicitly.
   * @default 'UTC'
   */
  readonly timeZone?: TimeZone;
  /**
   * How often stale dials are reconciled.
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
}

/**
 * The dialer (docs/data-model.md, patterns 10–13): a dispatcher every minute that sends due contacts to Amazon
 * Connect outbound campaigns within each campaign's pacing and the account's batch limit, and a reconciler for dials
 * whose outcome never came. Both run from EventBridge Scheduler with retries and a dead-letter queue.
 */
export class Dialing extends Construct {
  readonly dispatcherFunction: OutcallFunction;
  readonly reconcilerFunction: OutcallFunction;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: DialingProps) {
    super(scope, id);
    const campaignArns = Stack.of(this).formatArn({
      service: 'connect-campaigns',
      resource: 'campaign',
      resourceName: '*',
    });

    this.dispatcherFunction = props
      .addFunction('DispatcherFunction', {
        entry: 'functions/dialing/dispatcher.ts',
        serviceName: 'dispatcher',
        description: 'Due contacts to Amazon Connect outbound campaigns, every minute',
        memorySize: FUNCTION_MEMORY_MB.dispatcher,
        timeout: Duration.seconds(55),
        // A failed tick is superseded by the next one, which finds the same contacts still due, so Lambda does not
        // retry it into the next minute: it goes straight to the shared queue, whose alarm is how it is noticed.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 0, maxEventAge: Duration.minutes(2) }),
      })
      // Campaigns by state (gsi1), due contacts (due); contacts, STATUS, counters and the rate-limit items by key.
      .bindTableReadWrite(props.table, { indexNames: ['gsi1', 'due'] });
    this.reconcilerFunction = props
      .addFunction('ReconcilerFunction', {
        entry: 'functions/dialing/reconciler.ts',
        serviceName: 'reconciler',
        description: 'Dials past their deadline without an outcome: resend or retry as expired',
        timeout: Duration.minutes(2),
        // One retry a minute later, before the next run; what still fails lands in the shared queue.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 1, maxEventAge: Duration.minutes(10) }),
      })
      // The outcome recorder it runs for lost outcomes reads attempts by key, so no index beyond the dispatcher's.
      .bindTableReadWrite(props.table, { indexNames: ['gsi1', 'due'] })
      .bindBus(props.bus);
    this.dispatcherFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['connect-campaigns:PutOutboundRequestBatch'], resources: [campaignArns] }),
    );

    this.deadLetterQueue = props.deadLetterQueue;
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the dialing dispatcher and reconciler',
    });
    const dispatcherRole = this.dispatcherFunction.executionRole;
    this.node.addValidation({
      validate: () => {
        Validations.of(dispatcherRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn(Stack.of(this), 'connect-campaigns', 'campaign/*')}]`,
          reason: 'Outbound campaigns are created at launch, so their ids are not known at deploy time.',
        });
        return [];
      },
    });
    const timeZone = props.timeZone ?? TimeZone.ETC_UTC;
    new Schedule(this, 'DispatcherTick', {
      description: 'Dialing dispatcher: due contacts of every pilot and active campaign',
      schedule: ScheduleExpression.expression('rate(1 minute)', timeZone),
      // A tick older than two minutes is superseded by the next one, which finds the same contacts still due.
      target: new ExactLambdaInvoke(this.dispatcherFunction, {
        role: scheduleRole,
        retryAttempts: 1,
        maxEventAge: Duration.minutes(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const minutes = (props.reconcileInterval ?? Duration.minutes(5)).toMinutes();
    new Schedule(this, 'ReconcilerRun', {
      description: 'Dialing reconciler: stale dials',
      schedule: ScheduleExpression.expression(`rate(${minutes} minutes)`, timeZone),
      target: new ExactLambdaInvoke(this.reconcilerFunction, {
        role: scheduleRole,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
