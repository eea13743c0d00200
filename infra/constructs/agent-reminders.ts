import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { asyncFailures } from '#infra/constructs/async-failures';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { ExactLambdaInvoke } from '#infra/constructs/schedule-target';

/** Props of {@link AgentReminders}. */
export interface AgentRemindersProps {
  /**
   * Dead-letter queue of the schedules, shared with other schedules of the stack (one queue to watch and redrive).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  readonly table: ITable;
  /** Amazon Connect instance id and ARN: the roster is read from it. */
  readonly connectInstanceId: string;
  readonly connectInstanceArn: string;
  /** Verified SES identity the reminders are sent from. */
  readonly senderAddress: string;
  /**
   * Zone of a team first seen in the roster, until a planner sets its own.
   * @default 'Asia/Shanghai'
   */
  readonly defaultTimeZone?: string;
  /**
   * How often the roster is re-read from Connect.
   * @default Duration.hours(1)
   */
  readonly rosterInterval?: Duration;
}

/**
 * Daily-log reminders and the Connect roster (docs/agents.md): a reminder tick every minute that works out which
 * teams are due in their own zones, and a roster sync on a fixed rate. Both are EventBridge Scheduler schedules with
 * retries and a dead-letter queue; the tick is idempotent through sent markers, so a retry or a late fire is harmless.
 */
export class AgentReminders extends Construct {
  readonly tickFunction: OutcallFunction;
  readonly rosterFunction: OutcallFunction;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: AgentRemindersProps) {
    super(scope, id);
    this.tickFunction = props
      .addFunction('ReminderTickFunction', {
        entry: 'functions/agents/reminder-tick.ts',
        serviceName: 'reminders',
        description: 'Daily log, plan and team-lead reminders, every minute',
        memorySize: 512,
        timeout: Duration.seconds(50),
        environment: { MAIL_FROM: props.senderAddress },
        // A failed tick is superseded by the next one (sent markers stop duplicates), so Lambda does not retry it
        // into the next minute: it goes straight to the shared queue, whose alarm is how a failing tick is noticed.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 0, maxEventAge: Duration.minutes(5) }),
      })
      // Teams and their agents are gsi1 Queries; logs, plans, counters and sent markers are keys of the table.
      .bindTableReadWrite(props.table, { indexNames: ['gsi1'] });
    this.tickFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: props.senderAddress }),
        ],
      }),
    );

    this.rosterFunction = props
      .addFunction('RosterSyncFunction', {
        entry: 'functions/agents/roster-sync.ts',
        serviceName: 'roster',
        description: 'Amazon Connect users and hierarchy groups into agents and teams',
        timeout: Duration.minutes(5),
        environment: {
          CONNECT_INSTANCE_ID: props.connectInstanceId,
          DEFAULT_TIME_ZONE: props.defaultTimeZone ?? 'Asia/Shanghai',
        },
        // Hourly, so Lambda's retries are worth waiting for; what still fails lands in the shared queue.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      })
      .bindTableReadWrite(props.table, { indexNames: ['gsi1'] });
    const userArns = `${props.connectInstanceArn}/agent/*`;
    const groupArns = `${props.connectInstanceArn}/agent-group/*`;
    this.rosterFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['connect:ListUsers', 'connect:DescribeUser', 'connect:DescribeUserHierarchyGroup'],
        resources: [props.connectInstanceArn, userArns, groupArns],
      }),
    );

    this.deadLetterQueue = props.deadLetterQueue;
    // A role of our own rather than the stack-wide singleton, so the acknowledgments below cover these targets only.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the reminder tick and the roster sync',
    });
    const rosterRole = this.rosterFunction.executionRole;
    // Finding ids embed resolved ARNs, known only after CDK resolves references; validation runs before the nag pack.
    this.node.addValidation({
      validate: () => {
        for (const arns of [userArns, groupArns]) {
          Validations.of(rosterRole).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(rosterRole).resolve(arns))}]`,
            reason: 'The users and hierarchy groups of the one Connect instance: the roster reads all of them.',
          });
        }
        return [];
      },
    });
    new Schedule(this, 'ReminderTick', {
      description: 'Reminder tick: each team is checked against its own zone and shift end',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      // A tick older than a few minutes is superseded by later ticks, which catch up what it missed.
      target: new ExactLambdaInvoke(this.tickFunction, {
        role: scheduleRole,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    new Schedule(this, 'RosterSync', {
      description: 'Roster sync from Amazon Connect',
      schedule: ScheduleExpression.rate(props.rosterInterval ?? Duration.hours(1)),
      target: new ExactLambdaInvoke(this.rosterFunction, {
        role: scheduleRole,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
