import { counterItemKey } from '#shared/domain/outcomes/counter-stream';
import type { CounterGroupWrite, CounterLedger } from '#shared/ports/counter-ledger';

/** The DynamoDB ledger's semantics in memory: counters, markers, the marker condition, all-or-nothing writes. */
export class MemoryCounterLedger implements CounterLedger {
  readonly counters = new Map<string, Record<string, number>>();
  readonly markers = new Map<string, string>();
  writes = 0;
  /** Called after a write is in and before it answers: throwing there is a function killed after its commit. */
  afterCommit: (() => void) | undefined;
  /** Called before a write: returning false makes it lose a race (nothing written). */
  beforeWrite: (() => boolean) | undefined;

  async apply(write: CounterGroupWrite): Promise<boolean> {
    if (this.beforeWrite && !this.beforeWrite()) return false;
    const marker = this.markers.get(write.markerId);
    if (marker !== write.expectedApplied) return false;
    this.writes++;
    for (const c of write.counters) {
      const key = counterItemKey(c);
      const item = this.counters.get(key) ?? {};
      for (const [name, n] of Object.entries(c.values)) item[name] = (item[name] ?? 0) + (n ?? 0);
      this.counters.set(key, item);
    }
    this.markers.set(write.markerId, write.lastSequence);
    this.afterCommit?.();
    return true;
  }

  async appliedThrough(markerId: string): Promise<string | undefined> {
    return this.markers.get(markerId);
  }

  /** Counters without zero values, keys sorted: comparable with toEqual. */
  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, item] of [...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const values = Object.fromEntries(
        Object.entries(item)
          .filter(([, n]) => Math.abs(n) > 1e-9)
          .map(([k, n]) => [k, Math.round(n * 1e6) / 1e6])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
      if (Object.keys(values).length > 0) out[key] = values;
    }
    return out;
  }
}
