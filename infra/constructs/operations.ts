import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '#infra/constructs/outcall-function';
import { METRIC, type MetricName } from '#shared/observability/metric-names';

/** Props of {@link Operations}. */
export interface OperationsProps {
  /** The data key; the alarm topic is encrypted with it, and CloudWatch is let use it for that topic only. */
  readonly key: IKey;
  /** Where alarms go: the operators' address (`operatorsEmail` deploy parameter). */
  readonly operatorsEmail: string;
  /** Every dead-letter queue and on-failure destination; each gets a depth alarm and a dashboard line. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /**
   * Functions fed by a stream event source mapping: each gets an alarm on its iterator age (how far behind the
   * stream its batches are), by name.
   */
  readonly streamConsumers?: Readonly<Record<string, lambda.IFunction>>;
  /**
   * Iterator age, in minutes, that pages the operators.
   * @default 10
   */
  readonly iteratorAgeMinutes?: number;
  /**
   * Functions to watch for errors and throttles.
   * @default every Lambda function already in this construct's stack: create the construct last
   */
  readonly functions?: readonly lambda.IFunction[];
  /**
   * Errors per invocations, in percent, over 5 minutes, that pages the operators.
   * @default 5
   */
  readonly errorRatePercent?: number;
}

/**
 * Which functions publish each metric, by their Powertools service name (`serviceName` of OutcallFunction). Every data
 * point carries the `service` dimension, and a CloudWatch metric is its name and its dimensions together: an alarm
 * that names no service reads a metric nobody publishes. Only metrics listed here can be graphed or alarmed on.
 */
export const METRIC_SOURCES: Readonly<Partial<Record<MetricName, readonly string[]>>> = {
  [METRIC.rowsIngested]: ['intake'],
  [METRIC.rowsRejected]: ['intake'],
  [METRIC.dials]: ['dispatcher'],
  [METRIC.dialsFailed]: ['dispatcher'],
  [METRIC.idleActiveCampaigns]: ['dispatcher'],
  [METRIC.staleDialsReconciled]: ['reconciler'],
  [METRIC.outcomes]: ['outcomes'],
  [METRIC.connects]: ['outcomes'],
  [METRIC.dispositionsRefused]: ['outcomes'],
  [METRIC.remindersSent]: ['reminders'],
  [METRIC.reportsSent]: ['reports'],
  [METRIC.subjectsErased]: ['subjects-api'],
  [METRIC.counterBatchesShrunk]: ['outcomes'],
  [METRIC.throttles]: ['intake', 'dispatcher', 'reconciler', 'reminders', 'reports', 'outcomes'],
};

/** The business and machinery metrics on the dashboard (shared/observability/metric-names.ts). */
const BUSINESS = [
  METRIC.rowsIngested,
  METRIC.rowsRejected,
  METRIC.dials,
  METRIC.connects,
  METRIC.outcomes,
  METRIC.remindersSent,
  METRIC.reportsSent,
] as const;
const MACHINERY = [
  METRIC.throttles,
  METRIC.staleDialsReconciled,
  METRIC.dispositionsRefused,
  METRIC.dialsFailed,
  METRIC.idleActiveCampaigns,
  METRIC.counterBatchesShrunk,
] as const;

/**
 * One outcall metric as its publishers send it: the `service` dimension of its only source, or the sum over its
 * sources. Only a Sum adds up across services; other statistics need a single source.
 */
export function outcallMetric(name: MetricName, statistic = 'Sum', period = Duration.minutes(5)): cloudwatch.IMetric {
  const sources = METRIC_SOURCES[name] ?? [];
  const one = (service: string) =>
    new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service },
      statistic,
      period,
      label: name,
    });
  const [first] = sources;
  if (first === undefined) throw new Error(`no function publishes ${name}: add its publishers to METRIC_SOURCES`);
  if (sources.length === 1) return one(first);
  if (statistic !== 'Sum') throw new Error(`${name} has ${sources.length} publishers: only its Sum can be read`);
  // Ids are per metric, so several sums can share one graph.
  const ids = sources.map((_, i) => `${name.toLowerCase()}${i}`);
  return new cloudwatch.MathExpression({
    expression: `SUM([${ids.join(', ')}])`,
    usingMetrics: Object.fromEntries(sources.map((service, i) => [ids[i], one(service)])),
    label: name,
    period,
  });
}

/**
 * Operations (docs/operations.md): an SNS topic (KMS, TLS only) with the operators' e-mail, alarms on dead-letter
 * depth, function error rates, throttling, stale dials and an active campaign that dials nothing in its window, and
 * one CloudWatch dashboard.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'outcall alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.operatorsEmail));
    // CloudWatch publishes to the encrypted topic only if the key lets it; scoped to this account's alarms.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const alarmAction = new actions.SnsAction(this.topic);
    const watch = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
      return alarm;
    };

    const dlqWidgets: cloudwatch.IMetric[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      });
      dlqWidgets.push(depth.with({ label: name }));
      watch(
        new cloudwatch.Alarm(this, `${name}DepthAlarm`, {
          alarmDescription: `${name} holds messages that failed: see docs/operations.md, "Redrive a dead-letter queue"`,
          metric: depth,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    watch(
      new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
        alarmDescription: 'AWS APIs (DynamoDB, Connect, SES) throttle outcall: calls are retried but slow down',
        metric: outcallMetric(METRIC.throttles),
        threshold: 100,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    watch(
      new cloudwatch.Alarm(this, 'StaleDialsAlarm', {
        alarmDescription: 'Dials without an outcome past their deadline: contact events or records are being lost',
        metric: outcallMetric(METRIC.staleDialsReconciled, 'Sum', Duration.minutes(15)),
        threshold: 10,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // The dispatcher counts, each minute, the active campaigns inside their window with due contacts that it did not
    // dial; 15 one-minute data points in a row mean a campaign stands still.
    watch(
      new cloudwatch.Alarm(this, 'IdleCampaignAlarm', {
        alarmDescription: 'A campaign is active and inside its calling window but dialed nothing for 15 minutes',
        metric: outcallMetric(METRIC.idleActiveCampaigns, 'Minimum', Duration.minutes(1)),
        threshold: 1,
        evaluationPeriods: 15,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // The counters' exactly-once argument assumes a retried batch starts at the same record with at least the same
    // records; one that came back shorter may have counted what followed it twice. Never expected: any is an alarm.
    watch(
      new cloudwatch.Alarm(this, 'CounterBatchShrunkAlarm', {
        alarmDescription:
          'The counters aggregator saw a stream batch redelivered with fewer records: counts after it may be doubled; see docs/operations.md, "Counters behind"',
        metric: outcallMetric(METRIC.counterBatchesShrunk, 'Sum', Duration.minutes(5)),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // A stream consumer that keeps failing is retried on the same batch (the counters' is, until its records expire
    // after 24 hours): the age of the records it reads grows, and counters stop moving. docs/operations.md says what to do.
    const iteratorAgeMinutes = props.iteratorAgeMinutes ?? 10;
    const iteratorAges: cloudwatch.IMetric[] = [];
    for (const [name, fn] of Object.entries(props.streamConsumers ?? {})) {
      const age = fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' });
      iteratorAges.push(age.with({ label: name }));
      watch(
        new cloudwatch.Alarm(this, `${name}IteratorAgeAlarm`, {
          alarmDescription: `${name} is more than ${iteratorAgeMinutes} minutes behind its stream: see docs/operations.md, "Counters behind"`,
          metric: age,
          threshold: iteratorAgeMinutes * 60_000,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Business: rows, dials, outcomes, reminders, reports',
        left: BUSINESS.map((m) => outcallMetric(m)),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Machinery: throttles, stale dials, refused dispositions, failed dials, idle campaigns',
        left: MACHINERY.map((m) => outcallMetric(m)),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter queues (messages visible)', left: dlqWidgets, width: 12 }),
    );
    if (iteratorAges.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Stream consumers: iterator age (ms)', left: iteratorAges, width: 12 }),
      );
    }

    const errorRate = props.errorRatePercent ?? 5;
    const errorWidgets: cloudwatch.IMetric[] = [];
    const throttleWidgets: cloudwatch.IMetric[] = [];
    const addFunctionAlarms = (fns: readonly lambda.IFunction[]) => {
      for (const [i, fn] of fns.entries()) {
        const name = fn.node.id;
        // Ids are unique per function: the dashboard graphs every rate together.
        const rate = new cloudwatch.MathExpression({
          expression: `100 * e${i} / MAX([e${i}, n${i}])`,
          usingMetrics: {
            [`e${i}`]: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
            [`n${i}`]: fn.metricInvocations({ period: Duration.minutes(5), statistic: 'Sum' }),
          },
          label: name,
          period: Duration.minutes(5),
        });
        errorWidgets.push(rate);
        throttleWidgets.push(fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum', label: name }));
        watch(
          new cloudwatch.Alarm(this, `${name}ErrorRateAlarm`, {
            alarmDescription: `${name}: more than ${errorRate}% of invocations failed`,
            metric: rate,
            threshold: errorRate,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        );
      }
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Function error rate (%)', left: errorWidgets, width: 12 }),
        new cloudwatch.GraphWidget({ title: 'Function throttles', left: throttleWidgets, width: 12 }),
      );
    };
    addFunctionAlarms(
      props.functions ??
        Stack.of(this)
          .node.findAll()
          .filter((c): c is lambda.Function => c instanceof lambda.Function)
          // CDK's own singleton helpers (log retention, bucket auto-delete) are not outcall code.
          .filter((fn) => !fn.node.path.includes('SingletonLambda') && !fn.node.id.startsWith('Custom')),
    );
  }
}
