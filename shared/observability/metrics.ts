import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, type MetricName } from '#shared/observability/metric-names';
import { takeThrottles } from '#shared/observability/throttles';

export { METRIC, type MetricName } from '#shared/observability/metric-names';

/**
 * The one Powertools metrics instance of a function (namespace `outcall`, as OutcallFunction sets it, service from POWERTOOLS_SERVICE_NAME).
 * Dimensions are only ever the service and, where useful, a campaign id: never a phone number, a name or a note
 * (docs/security.md). Handlers emit at the use-case boundary and flush once per invocation (`publish()`,
 * {@link withMetrics} or the Powertools `logMetrics` middleware).
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'outcall',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'outcall',
});

/** Adds `value` to a count metric; zero is still emitted so that "nothing happened" is a data point, not a gap. */
export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Flushes what was counted (EMF on stdout). Safe to call with nothing counted. */
export function publish(): void {
  metrics.publishStoredMetrics();
}

/**
 * Runs one invocation's work and flushes its metrics once, also when the work throws (what was counted before the
 * failure is still a fact). The throttled AWS answers seen meanwhile are counted as `Throttles`, zero included.
 */
export async function withMetrics<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    count(METRIC.throttles, takeThrottles());
    publish();
  }
}
