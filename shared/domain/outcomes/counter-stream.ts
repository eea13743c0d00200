import { type CounterContribution, counterDeltas } from '#shared/domain/outcomes/derive';

/**
 * Counters applied from the main table's stream (docs/data-model.md "Counters", docs/outcomes.md "Counters"): the
 * attempt item keeps what it has counted, so each stream record of an attempt says by how much the counters move —
 * what the new image has counted minus what the old one had. Pure: the adapter decodes the images, the ledger applies.
 */

/** What one image of an attempt item had counted. */
export interface CountedImage {
  counted: CounterContribution[];
  /**
   * Written by a recorder that leaves the counters to the stream. An image written by the previous version, which
   * ADDed its counts in the attempt's own transaction, is already counted: its record moves nothing.
   */
  byStream: boolean;
}

/** One stream record of an attempt item, as far as the counters care. */
export interface CounterStreamRecord {
  /** Lambda's `eventID`: unique in the stream. */
  eventId: string;
  /** `dynamodb.SequenceNumber`: a decimal string, increasing within a shard (compared as a BigInt). */
  sequenceNumber: string;
  /** Absent for an INSERT. */
  before?: CountedImage | undefined;
  /** Absent for a REMOVE (TTL expiry, a subject's erasure): aggregates keep what they counted. */
  after?: CountedImage | undefined;
}

/** What one record adds to the counters: counted(new) − counted(old), or nothing. */
export function recordDelta(record: CounterStreamRecord): CounterContribution[] {
  if (!record.after?.byStream) return [];
  return counterDeltas(record.before?.counted ?? [], record.after.counted);
}

/** A record that moves counters, with its delta. */
export interface CountingRecord {
  eventId: string;
  sequenceNumber: string;
  deltas: CounterContribution[];
}

/**
 * Records applied together in one transaction, under the marker of their first record: `COUNTERBATCH#<markerId>`
 * keeps the last sequence number applied, so a redelivered batch skips what is already in.
 */
export interface CounterGroup {
  markerId: string;
  records: CountingRecord[];
}

/** TransactWriteItems holds 100 actions: the marker and at most this many counter items. */
export const MAX_COUNTER_ITEMS_PER_GROUP = 99;

export const counterItemKey = (c: Pick<CounterContribution, 'scope' | 'id' | 'day'>) => `${c.scope}#${c.id}#${c.day}`;

/**
 * Splits a batch's counting records into groups of at most `maxItems` distinct counter items, greedily and in stream
 * order. The grouping of a batch depends on its records only, so a batch redelivered with more records appended is
 * grouped the same up to its last group, which only grows: every group's marker names the same first record again.
 * Records that move nothing are left out (a batch of call starts writes nothing at all).
 */
export function groupCountingRecords(
  records: readonly CounterStreamRecord[],
  maxItems = MAX_COUNTER_ITEMS_PER_GROUP,
): CounterGroup[] {
  const groups: CounterGroup[] = [];
  let current: { group: CounterGroup; items: Set<string> } | undefined;
  for (const record of records) {
    const deltas = recordDelta(record);
    if (deltas.length === 0) continue;
    const keys = deltas.map(counterItemKey);
    const fits = current && new Set([...current.items, ...keys]).size <= maxItems;
    if (!current || !fits) {
      current = { group: { markerId: record.eventId, records: [] }, items: new Set() };
      groups.push(current.group);
    }
    current.group.records.push({ eventId: record.eventId, sequenceNumber: record.sequenceNumber, deltas });
    for (const key of keys) current.items.add(key);
  }
  return groups;
}

/** `a` − `b` as sequence numbers: negative, zero or positive. */
export function compareSequence(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** What is left to apply of a group once its marker says `appliedThrough`, summed per counter item. */
export interface PendingGroup {
  counters: CounterContribution[];
  /** The group's last sequence number: what the marker says once this is applied. */
  lastSequence: string;
  /** Records still to apply. */
  records: number;
}

export function pendingOf(group: CounterGroup, appliedThrough?: string): PendingGroup {
  const todo = group.records.filter(
    (r) => appliedThrough === undefined || compareSequence(r.sequenceNumber, appliedThrough) > 0,
  );
  const last = group.records.at(-1)?.sequenceNumber ?? '0';
  return {
    counters: counterDeltas(
      [],
      todo.flatMap((r) => r.deltas),
    ),
    lastSequence: last,
    records: todo.length,
  };
}
