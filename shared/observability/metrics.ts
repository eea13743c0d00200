import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The one Powertools metrics instance of a function (namespace `outcall`, as OutcallFunction sets it, service from POWERTOOLS_SERVICE_NAME).
 * Dimensions are only ever the service and, where useful, a campaign id: never a phone number, a name or a note
 * (docs/security.md). Handlers emit at the use-case boundary and flush once per invocation (`publish()` or the
 * Powertools `logMetrics` middleware).
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'outcall',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'outcall',
});

/** The business and machinery figures the dashboard and alarms read (infra/constructs/operations.ts). */
export const METRIC = {
  rowsIngested: 'RowsIngested',
  rowsRejected: 'RowsRejected',
  dials: 'Dials',
  dialsFailed: 'DialsFailed',
  connects: 'Connects',
  outcomes: 'Outcomes',
  dispositionsRefused: 'DispositionsRefused',
  throttles: 'Throttles',
  staleDialsReconciled: 'StaleDialsReconciled',
  /** Per dispatcher tick: active campaigns inside their window with due contacts that were not dialed. */
  idleActiveCampaigns: 'IdleActiveCampaigns',
  remindersSent: 'RemindersSent',
  reportsSent: 'ReportsSent',
  subjectsErased: 'SubjectsErased',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Adds `value` to a count metric; zero is still emitted so that "nothing happened" is a data point, not a gap. */
export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Flushes what was counted (EMF on stdout). Safe to call with nothing counted. */
export function publish(): void {
  metrics.publishStoredMetrics();
}
