import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { asyncFailures } from '#infra/constructs/async-failures';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { ExactLambdaInvoke } from '#infra/constructs/schedule-target';
import { CAMPAIGN_EVENT_SOURCE } from '#shared/use-cases/campaigns';

/** Props of {@link Reports}. */
export interface ReportsProps {
  /**
   * Dead-letter queue of its deliveries, shared with the stack's other schedules and rules (one queue to watch).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  readonly table: ITable;
  /** The outcall bus: `CampaignTransitioned` arrives on it, and `evaluate` transitions are published to it. */
  readonly bus: events.IEventBus;
  /** Archived copies of the reports (`reports/<kind>/<scope>/<period>.html`). */
  readonly reportsBucket: IBucket;
  /** Verified SES identity the reports are sent from. */
  readonly senderAddress: string;
  /** Comma-separated call-centre managers (deploy parameter `managerEmails`): every report goes to them. */
  readonly managerEmails: string;
}

/**
 * Reports by e-mail (docs/reports.md): one hourly tick, an EventBridge Scheduler schedule in an explicit zone, finds
 * the teams whose local morning has come (daily, and weekly on Mondays, monthly on the 1st) — one schedule for all
 * teams instead of three per team, so adding a team or changing its zone needs no schedule management; and a rule on
 * the outcall bus sends the pilot review (`endPilot`) and the evaluation (`complete`) as soon as they happen.
 */
export class Reports extends Construct {
  readonly tickFunction: OutcallFunction;
  readonly eventsFunction: OutcallFunction;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    const environment = { SES_SENDER: props.senderAddress, MANAGER_EMAILS: props.managerEmails };
    // Both are invoked asynchronously (Scheduler, the rule): what they still fail on lands in the shared queue.
    const make = (fnId: string, entry: string, description: string, maxEventAge: Duration) =>
      props
        .addFunction(fnId, {
          entry,
          serviceName: 'reports',
          description,
          memorySize: 1024,
          // Below the markers' 10-minute staleness, so a claim is only taken over from a sender that is gone.
          timeout: Duration.minutes(5),
          environment,
          ...asyncFailures(props.deadLetterQueue, { retryAttempts: 2, maxEventAge }),
        })
        // Campaigns by state, teams and team agents are gsi1 Queries; counters, logs and markers are table keys.
        .bindTableReadWrite(props.table, { indexNames: ['gsi1'] })
        .bindBucketReadWrite(props.reportsBucket, { envName: 'REPORTS_BUCKET' })
        .bindBus(props.bus);
    // The next hourly tick sends what a failed one owed; its failure still lands in the DLQ, so it is seen.
    this.tickFunction = make(
      'ReportTickFunction',
      'functions/reports/tick.ts',
      'Scheduled team reports, hourly',
      Duration.minutes(30),
    );
    this.eventsFunction = make(
      'CampaignEvaluationFunction',
      'functions/reports/campaign-events.ts',
      'Pilot review and campaign evaluation on CampaignTransitioned',
      Duration.hours(6),
    );
    const sesIdentity = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: props.senderAddress,
    });
    for (const fn of [this.tickFunction, this.eventsFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [sesIdentity] }));
    }

    this.deadLetterQueue = props.deadLetterQueue;
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the report tick',
    });
    new Schedule(this, 'ReportTick', {
      description: 'Report tick: each team gets yesterday (Mondays last week, the 1st last month) after 07:00 local',
      // Hourly at :05 UTC; the tick compares every team's own zone, so teams on :30 and :45 offsets are served too.
      schedule: ScheduleExpression.cron({ minute: '5', timeZone: TimeZone.ETC_UTC }),
      // A missed tick is caught up by the next: what a team is owed is decided from its local day, not the fire time.
      target: new ExactLambdaInvoke(this.tickFunction, {
        role: scheduleRole,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    new events.Rule(this, 'CampaignReportRule', {
      description: 'Pilot ended or campaign completed: send the pilot review or the evaluation',
      eventBus: props.bus,
      eventPattern: {
        source: [CAMPAIGN_EVENT_SOURCE],
        detailType: ['CampaignTransitioned'],
        detail: { action: ['endPilot', 'complete'] },
      },
      targets: [
        new targets.LambdaFunction(this.eventsFunction, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
