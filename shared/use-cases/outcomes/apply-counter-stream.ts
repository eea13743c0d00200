import {
  type CounterStreamRecord,
  compareSequence,
  groupCountingRecords,
  pendingOf,
} from '#shared/domain/outcomes/counter-stream';
import type { CounterLedger } from '#shared/ports/counter-ledger';

export interface CounterStreamDeps {
  ledger: CounterLedger;
  /** Writes tried per group before the batch fails (Lambda then redelivers it whole). Default 8. */
  maxTries?: number;
}

export interface CounterStreamResult {
  /** Records of the batch that move counters. */
  counting: number;
  /** Groups (transactions) the batch was split into. */
  groups: number;
  /** Records applied by this delivery; the others were in already (a redelivered batch). */
  applied: number;
  /**
   * Groups whose marker is past the group's last record: an earlier delivery of this batch held more records than
   * this one. Lambda retries a batch from the same first record with at least the same records; if it ever did not,
   * the records beyond this delivery would be counted again by the next batch (docs/data-model.md "Counters").
   */
  shrunk: number;
}

/** Some group kept losing its write. */
export class CounterStreamContentionError extends Error {
  override readonly name = 'CounterStreamContentionError';
}

/**
 * Applies one stream batch of attempt records to the counters, exactly once across redeliveries: each group's
 * counters go in with its marker, the first try conditioned on there being no marker (no read), a retry applying only
 * what follows the marker's sequence number, conditioned on the marker as read.
 */
export async function applyCounterStream(
  deps: CounterStreamDeps,
  records: readonly CounterStreamRecord[],
): Promise<CounterStreamResult> {
  const groups = groupCountingRecords(records);
  const result: CounterStreamResult = {
    counting: groups.reduce((n, g) => n + g.records.length, 0),
    groups: groups.length,
    applied: 0,
    shrunk: 0,
  };
  const tries = deps.maxTries ?? 8;
  for (const group of groups) {
    let appliedThrough: string | undefined;
    let done = false;
    for (let i = 0; i < tries && !done; i++) {
      const pending = pendingOf(group, appliedThrough);
      if (pending.records === 0) {
        if (appliedThrough !== undefined && compareSequence(appliedThrough, pending.lastSequence) > 0) result.shrunk++;
        done = true;
        break;
      }
      // Deltas that cancel out (a count moved to another item and back) move nothing: applied twice or not at all,
      // the counters are the same, and a later delivery with more records applies their sum from the group's start.
      if (pending.counters.length === 0) {
        done = true;
        break;
      }
      const written = await deps.ledger.apply({
        markerId: group.markerId,
        lastSequence: pending.lastSequence,
        counters: pending.counters,
        expectedApplied: appliedThrough,
      });
      if (written) {
        result.applied += pending.records;
        done = true;
      } else appliedThrough = await deps.ledger.appliedThrough(group.markerId);
    }
    if (!done) throw new CounterStreamContentionError(`counter group ${group.markerId} kept failing its write`);
  }
  return result;
}
