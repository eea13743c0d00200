import { Duration, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { asyncFailures } from '#infra/constructs/async-failures';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { ExactLambdaInvoke } from '#infra/constructs/schedule-target';

/** Props of {@link QaSampling}. */
export interface QaSamplingProps {
  /**
   * Dead-letter queue of the schedules, shared with other schedules of the stack (one queue to watch and redrive).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  readonly table: ITable;
  /**
   * IANA zones that have teams: one daily schedule per zone, each sampling that zone's teams' previous local day.
   * @default ['Asia/Shanghai']
   */
  readonly timeZones?: readonly string[];
  /** Local time of the run, `HH:MM`, after the day's calls are final. @default '01:30' */
  readonly localTime?: string;
  /** The recorded sampling seed (QA_SAMPLING_SEED). @default the code's default seed */
  readonly seed?: string;
}

/**
 * Daily QA sampling: the sampler function and, per team zone, an EventBridge Scheduler schedule that runs in that
 * zone (DST handled by Scheduler), retries, and sends what still fails to a dead-letter queue. See docs/qa.md.
 */
export class QaSampling extends Construct {
  readonly samplerFunction: OutcallFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: QaSamplingProps) {
    super(scope, id);
    const zones = props.timeZones ?? ['Asia/Shanghai'];
    const [hour = '1', minute = '30'] = (props.localTime ?? '01:30').split(':').map((p) => String(Number(p)));
    this.samplerFunction = props
      .addFunction('QaSamplerFunction', {
        entry: 'functions/qa/sampler.ts',
        serviceName: 'qa-sampler',
        description: "QA sampling: the previous day's calls of each team into the QA queue",
        timeout: Duration.minutes(5),
        ...(props.seed ? { environment: { QA_SAMPLING_SEED: props.seed } } : {}),
        // A run that still fails lands in the shared queue: a day's sample missed is not caught up by tomorrow's run,
        // so it must be seen and redriven (with its `day`).
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(6) }),
      })
      // Agents' attempts by day are a gsi3 Query (keys, then the attempts by key), team rosters and the team list gsi1
      // Queries; queue items are conditional puts.
      .bindTableReadWrite(props.table, { indexNames: ['gsi1', 'gsi3'] });
    this.deadLetterQueue = props.deadLetterQueue;
    // A role of our own rather than the stack-wide singleton, so the acknowledgment below covers this target only.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the QA sampler',
    });
    this.schedules = zones.map(
      (zone, i) =>
        new Schedule(this, `Daily${i}`, {
          description: `QA sampling of the previous local day, teams in ${zone}`,
          schedule: ScheduleExpression.cron({ minute, hour, timeZone: TimeZone.of(zone) }),
          target: new ExactLambdaInvoke(this.samplerFunction, {
            input: ScheduleTargetInput.fromObject({ timeZone: zone }),
            role: scheduleRole,
            retryAttempts: 3,
            maxEventAge: Duration.hours(6),
            deadLetterQueue: this.deadLetterQueue,
          }),
        }),
    );
  }
}
