import { type MockInstance, vi } from 'vitest';
import { takeThrottles } from '#shared/observability/throttles';

/** One CloudWatch embedded-metric-format document as Powertools writes it on stdout. */
export interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/**
 * Captures what a handler writes on stdout and keeps its EMF documents (log lines pass through). Start it before the
 * invocation, `stop()` after: the throttle tally is emptied first so that another test's count cannot leak in.
 */
export function captureEmf() {
  takeThrottles();
  const documents: EmfDocument[] = [];
  const spy: MockInstance = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Partial<EmfDocument>;
      if (parsed._aws?.CloudWatchMetrics) documents.push(parsed as EmfDocument);
    }
    return true;
  });
  return {
    documents,
    stop: () => spy.mockRestore(),
    /** The value a document holds for `name`: the sum when the metric was counted more than once. */
    value(document: EmfDocument | undefined, name: string): number | undefined {
      const names = document?._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)) ?? [];
      if (!names.includes(name)) return undefined;
      const v = document?.[name];
      return Array.isArray(v) ? v.reduce((s: number, x: number) => s + x, 0) : (v as number);
    },
  };
}
