import type { CounterContribution } from '#shared/domain/outcomes/derive';

/** One group of a stream batch, to apply atomically with its marker (docs/data-model.md "Counters"). */
export interface CounterGroupWrite {
  /** The group's first record's `eventID`: the marker's key. */
  markerId: string;
  /** What the marker says once the write is in: the group's last sequence number. */
  lastSequence: string;
  /** Summed ADDs, at most 99 counter items. */
  counters: CounterContribution[];
  /**
   * What the marker must say for the write to go in: `undefined` for "no marker yet" (the group's first delivery),
   * else the sequence number it was read with. A marker moved meanwhile makes the write fail, and nothing is applied.
   */
  expectedApplied?: string | undefined;
}

/** The counter items and the batch markers (`COUNTERBATCH#<eventID>`) of the main table. */
export interface CounterLedger {
  /**
   * ADDs the counters and sets the marker in one atomic write; false when the marker was not as expected or the
   * write lost a race with another one on the same items: read the marker again and retry.
   */
  apply(write: CounterGroupWrite): Promise<boolean>;
  /** The last sequence number applied under a marker (read consistently), or undefined when there is none. */
  appliedThrough(markerId: string): Promise<string | undefined>;
}
