import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC } from '#shared/observability/metric-names';

/** Names no function publishes yet; each must leave this list the day one does (the last test says so). */
const NOT_YET_PUBLISHED: readonly string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}

const functionSources = sources('functions');
const counted = (key: string, text: string) => new RegExp(`\\bMETRIC\\.${key}\\b`).test(text);
// `withMetrics` counts Throttles for the handlers that flush through it.
const withMetrics = readFileSync('shared/observability/metrics.ts', 'utf8');
const published = (key: string) =>
  functionSources.some((s) => counted(key, s)) ||
  (counted(key, withMetrics) && functionSources.some((s) => /\bwithMetrics\(/.test(s)));

describe('metric coverage', () => {
  it('every metric the dashboard and alarms may read is counted by some function', () => {
    for (const [key, name] of Object.entries(METRIC)) {
      if (NOT_YET_PUBLISHED.includes(name)) continue;
      expect(published(key), `${name} (METRIC.${key}) is counted in no file under functions/`).toBe(true);
    }
  });

  it('the not-yet-published list is true', () => {
    for (const [key, name] of Object.entries(METRIC)) {
      if (NOT_YET_PUBLISHED.includes(name)) expect(published(key), `${name} is published now`).toBe(false);
    }
  });
});
