import type { CounterScope } from '#shared/domain/counters';
import type { CounterBag } from '#shared/domain/reports/figures';
import type { ReportSettings } from '#shared/domain/reports/recipients';

/**
 * What reports read: counters only (never calls), a campaign's list size, and the settings item. Every method is a
 * bounded number of requests whatever the call volume (docs/data-model.md, pattern 17).
 */
export interface ReportReads {
  /** Counter items of `scope`/`id` for the local days `from`–`to` (inclusive), shards summed, keyed by day. */
  counters(scope: CounterScope, id: string, from: string, to: string): Promise<Map<string, CounterBag>>;
  /** Contacts accepted by all finished lists of the campaign; undefined when no list finished. */
  listSize(campaignId: string): Promise<number | undefined>;
  /** The recipients and report settings item, defaults when it was never written. */
  settings(): Promise<ReportSettings>;
}

export interface ReportSettingsStore {
  putSettings(settings: ReportSettings): Promise<void>;
}

/** One e-mail of a report: `SENT#REPORT#<kind>#<scope>#<period>` / `<part>`. */
export interface ReportMarker {
  kind: string;
  scope: string;
  period: string;
  /** `report` for the whole report, `msg-<i>of<n>` for one message of it. */
  part: string;
}

/**
 * Send-once markers with two states: `pending` (claimed at `claimedAt`) and `sent`. A claim succeeds on a new
 * marker or on a pending one older than `staleBefore` (its sender died); it reports `sent` or `busy` otherwise.
 */
export interface ReportMarkers {
  claim(marker: ReportMarker, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'>;
  confirm(marker: ReportMarker, at: Date): Promise<void>;
  /** Drops a pending claim after a failure so the next run need not wait for it to go stale. */
  release(marker: ReportMarker): Promise<void>;
}

/** Contacts held back from dialing and why (from the dialing diagnostics); optional: reports say when unknown. */
export interface HeldBackSource {
  heldBack(campaignId: string): Promise<{ reason: string; count: number }[]>;
}
