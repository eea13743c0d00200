/**
 * The business and machinery figures the dashboard and alarms read (infra/constructs/operations.ts). Kept apart from
 * the Powertools instance (metrics.ts) so that the CDK app can name them without building a metrics logger at synth.
 */
export const METRIC = {
  /** Rows of a call list that became contacts, counted once when the list is ready (IntakeSummary.accepted). */
  rowsIngested: 'RowsIngested',
  /** Rows of a list refused as invalid, counted once when the list is ready (IntakeSummary.rejected). */
  rowsRejected: 'RowsRejected',
  /** Dial requests Amazon Connect accepted. */
  dials: 'Dials',
  /** Dial requests marked but not placed: refused as invalid, throttled, unconfirmed or refused by Connect. */
  dialsFailed: 'DialsFailed',
  /** Calls counted as connected to a person, by the same outcome write that moved the reports' `connects` counter. */
  connects: 'Connects',
  outcomes: 'Outcomes',
  dispositionsRefused: 'DispositionsRefused',
  /** Throttled AWS answers: a DynamoDB, S3, SES, SQS or EventBridge call attempt, or a Connect dial request. */
  throttles: 'Throttles',
  /** Stale dials settled by the reconciler (resent, expired or exhausted), not those the outcomes side explained. */
  staleDialsReconciled: 'StaleDialsReconciled',
  /** Per dispatcher tick: active campaigns inside their window with due contacts that were not dialed. */
  idleActiveCampaigns: 'IdleActiveCampaigns',
  remindersSent: 'RemindersSent',
  /** Reports e-mailed (a report with no recipient is archived, not counted). */
  reportsSent: 'ReportsSent',
  /** Data-subject erasures carried out (DELETE /subjects/{phone}). */
  subjectsErased: 'SubjectsErased',
  /**
   * Stream batches the counters aggregator saw redelivered with fewer records than an earlier delivery it applied:
   * the records beyond it may be counted twice (docs/operations.md, "Counters behind").
   */
  counterBatchesShrunk: 'CounterBatchesShrunk',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
