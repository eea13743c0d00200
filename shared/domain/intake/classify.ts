import * as z from 'zod';
import type { HeaderLayout } from '#shared/domain/intake/headers';
import { normalisePhone, type PhoneType } from '#shared/domain/intake/phone';
import { zoneForNumber } from '#shared/domain/intake/time-zone';

/**
 * Every data row lands in exactly one class, the first that applies: rejected → duplicate → suppressed → accepted.
 * Reason codes are unique across classes, so `reasons` in the summary adds up to all rows that were not accepted.
 */
export const REJECT_REASONS = [
  'malformed_row',
  'missing_phone',
  'scientific_notation',
  'multiple_numbers',
  'invalid_number',
] as const;
export const DUPLICATE_REASONS = ['duplicate_in_file', 'duplicate_in_campaign'] as const;
export const SUPPRESS_REASONS = ['do_not_call', 'allocated_elsewhere'] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

/** Longest attribute value kept: a contact's attributes must stay well under Amazon Connect's 32 KB. */
export const MAX_ATTRIBUTE_LENGTH = 1000;

export const acceptedContactSchema = z.object({
  /** Row in the file as a planner sees it in Excel: the header is row 1 (or lower if title rows precede it). */
  row: z.number().int().min(1),
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/),
  numberType: z.string(),
  timeZone: z.string(),
  /** Amazon Connect-safe keys (see `resolveHeader`); empty cells are left out. */
  attributes: z.record(z.string().regex(/^[a-zA-Z0-9_-]+$/), z.string()),
});
/** A row that will be called. */
export type AcceptedContact = z.infer<typeof acceptedContactSchema> & { numberType: PhoneType };

export const rejectedRowSchema = z.object({
  row: z.number().int().min(1),
  /** The phone cell as written (empty for a missing phone). */
  raw: z.string(),
  reason: z.string(),
});
/** A row that is not called, with why. Duplicates and suppressed rows carry no raw value outside the file. */
export type RejectedRow = z.infer<typeof rejectedRowSchema> & { reason: RejectReason };

/** The result of the checks that need no outside knowledge. */
export type RowVerdict =
  | { kind: 'rejected'; row: RejectedRow }
  | { kind: 'candidate'; contact: AcceptedContact; country: string | undefined };

export interface ClassifyOptions {
  /** ISO region for numbers written without a country code, e.g. "CN". */
  region: string;
  /** Campaign zone, for numbers whose own zone cannot be derived. */
  defaultTimeZone: string;
}

/** Checks one data row on its own: shape, then phone. Duplicate and suppression checks need the rest of the list. */
export function screenRow(
  cells: readonly string[],
  rowNumber: number,
  layout: HeaderLayout,
  options: ClassifyOptions,
): RowVerdict {
  const raw = cells[layout.phoneIndex] ?? '';
  if (cells.length > layout.width && hasContentBeyond(cells, layout.width)) {
    return { kind: 'rejected', row: { row: rowNumber, raw, reason: 'malformed_row' } };
  }
  const phone = normalisePhone(raw, options.region);
  if (!phone.ok) return { kind: 'rejected', row: { row: rowNumber, raw, reason: phone.problem } };
  const attributes: Record<string, string> = {};
  for (const column of layout.attributes) {
    const value = cells[column.index];
    if (value === undefined) continue;
    const trimmed = value.trim();
    if (trimmed !== '') attributes[column.key] = trimmed.slice(0, MAX_ATTRIBUTE_LENGTH);
  }
  return {
    kind: 'candidate',
    country: phone.country,
    contact: {
      row: rowNumber,
      e164: phone.e164,
      numberType: phone.type,
      timeZone: zoneForNumber(phone.country, phone.nationalNumber, options.defaultTimeZone),
      attributes,
    },
  };
}

/** True when every cell is empty: Excel exports formatted but empty rows as ",,,,"; they are not data rows. */
export function isBlankRow(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

// An unquoted comma in an address shifts every later cell: the row cannot be trusted. Trailing empty cells are
// harmless (some exporters pad rows) and are not malformed.
function hasContentBeyond(cells: readonly string[], width: number): boolean {
  for (let i = width; i < cells.length; i++) if ((cells[i] ?? '').trim() !== '') return true;
  return false;
}

/** What the outside knows about a number: the answer of the screening port. */
export interface NumberStatus {
  /** Already a contact of this campaign (an earlier upload). */
  inCampaign: boolean;
  /** On the do-not-call list. */
  dnc: boolean;
  /** Id of another active campaign the number is allocated to within the allocation window. */
  allocatedTo?: string | undefined;
}

/** Classes a candidate by what the outside knows; the order is the spec's: duplicate before suppressed. */
export function judgeCandidate(status: NumberStatus | undefined): 'duplicate_in_campaign' | SuppressReason | undefined {
  if (!status) return undefined;
  if (status.inCampaign) return 'duplicate_in_campaign';
  if (status.dnc) return 'do_not_call';
  if (status.allocatedTo) return 'allocated_elsewhere';
  return undefined;
}

export const intakeSummarySchema = z.object({
  rows: z.number().int().min(0),
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  suppressed: z.number().int().min(0),
  rejected: z.number().int().min(0),
  reasons: z.record(z.string(), z.number().int().min(1)),
  encoding: z.string(),
  format: z.enum(['csv', 'xlsx']),
  /** Attribute key → header text in the file. */
  headerMap: z.record(z.string(), z.string()),
  /** Rows that were entirely empty: skipped, not counted in `rows`. */
  blankRows: z.number().int().min(0),
  durationMs: z.number().min(0),
});
/** rows = accepted + duplicates + suppressed + rejected, always. */
export type IntakeSummary = z.infer<typeof intakeSummarySchema>;

/** Counts rows into classes; the only place the summary's arithmetic lives. */
export class SummaryTally {
  rows = 0;
  accepted = 0;
  duplicates = 0;
  suppressed = 0;
  rejected = 0;
  blankRows = 0;
  readonly reasons: Record<string, number> = {};

  count(outcome: 'accepted' | RejectReason | DuplicateReason | SuppressReason): void {
    this.rows++;
    if (outcome === 'accepted') {
      this.accepted++;
      return;
    }
    this.reasons[outcome] = (this.reasons[outcome] ?? 0) + 1;
    if (outcome === 'duplicate_in_file' || outcome === 'duplicate_in_campaign') this.duplicates++;
    else if (outcome === 'do_not_call' || outcome === 'allocated_elsewhere') this.suppressed++;
    else this.rejected++;
  }

  summary(extra: Pick<IntakeSummary, 'encoding' | 'format' | 'headerMap' | 'durationMs'>): IntakeSummary {
    return {
      rows: this.rows,
      accepted: this.accepted,
      duplicates: this.duplicates,
      suppressed: this.suppressed,
      rejected: this.rejected,
      reasons: { ...this.reasons },
      blankRows: this.blankRows,
      ...extra,
    };
  }
}
