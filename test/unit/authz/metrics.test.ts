import { describe, expect, it } from 'vitest';
import { count, METRIC, metrics } from '#shared/observability/metrics';

describe('shared metrics', () => {
  it('counts under the service dimension alone: no phone, name or note can become a dimension', () => {
    count(METRIC.dispositionsRefused);
    count(METRIC.outcomes, 3);
    const emf = metrics.serializeMetrics() as unknown as {
      _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      [key: string]: unknown;
    };
    const directive = emf._aws.CloudWatchMetrics[0];
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics.map((m) => m.Name).sort()).toEqual(['DispositionsRefused', 'Outcomes']);
    expect(emf.Outcomes).toBe(3);
    metrics.clearMetrics();
  });
});
