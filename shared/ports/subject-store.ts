/**
 * What the privacy use cases (export and erasure of one person, docs/security.md) need from storage. Every record of a
 * person is found through the pseudonymous key of their number (`phoneKey`), never through the number itself.
 */

/** One stored record about the subject, as stored (minus keys). */
export interface SubjectRecord {
  kind: 'status' | 'contact' | 'attempt' | 'order' | 'qa';
  /** The campaign of a contact, attempt, order or QA item. */
  campaignId?: string;
  /** The attempt number of an attempt or of the sale an order came from. */
  attempt?: number;
  data: Record<string, unknown>;
}

/** Evidence of how a number came onto the do-not-call list. */
export interface DncEvidence {
  source: 'request' | 'complaint' | 'import' | 'erasure';
  at: string;
  /** Who put it there: an agent id, an API caller or `system`. */
  by: string;
  /** How: the channel or call, e.g. `api:DELETE /subjects` or a Connect contact id. */
  how: string;
}

/** What an erasure removed. */
export interface ErasureCounts {
  contacts: number;
  attempts: number;
  /** Orders whose customer name, number and address were blanked (the order itself is bookkeeping). */
  orders: number;
  /** Sampled calls in the QA queue that lost their recording location and Connect contact id (the scores stay). */
  qaCalls: number;
}

/** Storage of everything held about one number. */
export interface SubjectStore {
  /**
   * Every record under the number's key: its status, contacts, attempts, the orders its sales created and the QA
   * items of its sampled calls.
   */
  find(phoneKey: string): Promise<SubjectRecord[]>;
  /**
   * Puts the number on the do-not-call list (an existing entry is kept as it is), marks it erased and releases its
   * allocation, before anything about it is read: from then on no list intake can claim the number (its claim is
   * refused for a DNC number), so the read that follows sees every contact there will ever be. Safe to repeat.
   */
  suppress(phoneKey: string, dnc: DncEvidence): Promise<void>;
  /**
   * Deletes the contact and attempt items (and so their due-index entries), blanks the personal fields of the orders
   * (stamped `erasedAt = at`) and takes the recording location and Connect contact id off the QA items (stamped
   * `customerErasedAt = at`); the STATUS item stays. Safe to repeat.
   */
  erase(phoneKey: string, records: readonly SubjectRecord[], at: string): Promise<ErasureCounts>;
}
