import type { Contact } from '#shared/domain/contact';
import type { RetryBasis } from '#shared/domain/retries/next-attempt';

/** A contact as the due index shows it: enough to fetch it and to update it only if it has not moved since. */
export interface DueRef {
  campaignId: string;
  phoneKey: string;
  zone: string;
  shard: number;
  priority: number;
  dueAt: string;
  /** The index sort key it was selected with; every update is conditional on it. */
  dueSk: string;
}

/** A contact read for dialing, with its number's DNC standing read at the same time. */
export interface DialingContact {
  ref: DueRef;
  contact: Contact;
  doNotCall: boolean;
  /** Bookkeeping of the dial in flight beyond the domain's `dialing` field. */
  inFlight?: {
    /**
     * Connect's acceptance of this attempt's request is on record (in its dial batch's answer): it was placed. False
     * when the send may never have happened, or Connect's answer was lost before it was recorded.
     */
    confirmed?: boolean | undefined;
    /**
     * The dial is in the campaign's `dials` (and, with `pilot`, `pilotDials`): its batch was counted, which always
     * happens before the batch goes to Connect. False when the dispatcher stopped between marking and counting.
     */
    counted?: boolean | undefined;
    /** The due sort key the contact was selected with, to put it back where it was. */
    fromSk?: string | undefined;
    /** State before the mark. */
    prevState?: Contact['state'] | undefined;
    /** The mark counted this dial as a pilot dial too. */
    pilot?: boolean | undefined;
    /**
     * The dial's batch is findable by time: the reconciler settles it from there ({@link ContactDialing.staleDials}),
     * never from a due entry (a stale one read from a marking made before dials left the index).
     */
    batchFindable?: boolean | undefined;
  };
  /** What a pending retry was computed from; the dispatcher recomputes it under the current policy. */
  retryBasis?: RetryBasis | undefined;
}

/** Marks a contact `dialing` with its attempt; it leaves the due index until its dial is settled. */
export interface DialMark {
  ref: DueRef;
  contact: Contact;
  attempt: number;
  requestedAt: string;
  expiresAt: string;
  /** When the reconciler takes over if no outcome has come back (the batch's deadline is the latest of its marks'). */
  deadline: string;
  recentAttempts: string[];
}

/** Marks of one dial batch (one PutOutboundRequestBatch) that were written: see {@link ContactDialing.markDialing}. */
export interface MarkedBatch {
  /** Names the batch; each marked contact's `dialing` field carries it. */
  batchId: string;
  marks: DialMark[];
}

/**
 * A contact still dialing the attempt a dial batch marked it for, found from the batch once the batch's deadline has
 * passed, with what is on record of the dial (`inFlight`). Its `ref` has no index entry behind it (`dueSk` is empty):
 * it names the contact and the due partition it goes back to; moves are conditional on the attempt.
 */
export interface StaleDial {
  batchId: string;
  ref: DueRef;
  contact: Contact;
  inFlight: NonNullable<DialingContact['inFlight']>;
}

/** One page of the dial batches whose deadline has passed, oldest deadline first (see {@link ContactDialing.staleDials}). */
export interface StaleDialPage {
  /** Every batch the page read. */
  batchIds: string[];
  /** Their dials still in flight (the others were settled: an outcome, a requeue, a final move). */
  dials: StaleDial[];
  /**
   * Batches holding a dial in flight that the page could not return (a contact item it could not read as a contact):
   * they must not be settled.
   */
  unreadable: string[];
  /** Where the next page starts; undefined when there is none. */
  next?: string | undefined;
}

/** Undoes the mark of a dial Connect never confirmed (see {@link ContactDialing.unmarkDialing}). */
export interface DialUnmark {
  ref: DueRef;
  /** The attempt the contact must still be dialing. */
  attempt: number;
  /**
   * The dial batch the contact must still be in, when known: a contact put back and marked again (same attempt, same
   * client token) in a later batch meanwhile is that batch's, not this undo's.
   */
  batch?: string;
  /** The dial is in `dials` (its batch was counted): the undo takes it off. */
  counted: boolean;
  /** The dial is in `pilotDials` too (counted, and a pilot dial). */
  pilot: boolean;
  to: Extract<ContactMove, { kind: 'due' }>;
}

/** Where a contact goes when it leaves `dialing` or is held at selection. */
export type ContactMove =
  /** Back to waiting in the index at `dueAt` with `priority`; `attempts` is what the next dial counts from. */
  | {
      kind: 'due';
      priority: number;
      dueAt: string;
      state: Contact['state'];
      attempts: number;
      recentAttempts: string[];
      attemptsByClass?: Record<string, number>;
      reason?: string;
      /** Replaces the stored retry basis (a retry placed by the dialer itself, e.g. an expired dial). */
      retryBasis?: RetryBasis;
    }
  /** Done: out of the index for good. */
  | { kind: 'final'; state: Contact['state']; reason: string; attemptsByClass?: Record<string, number> };

/** Campaign-wide dialing figures kept on one counter item, read by the dispatcher and the diagnostics. */
export interface DialingStats {
  dials: number;
  pilotDials: number;
  invalid: number;
  exhausted: number;
  dnc: number;
  expired: number;
  throttled: number;
  lastThrottledAt?: string | undefined;
  lastExpiredAt?: string | undefined;
  /** The last Connect control-plane error, kept until a later call succeeds. */
  connectError?: { action: string; code: string; message: string; at: string } | undefined;
  /**
   * Amazon Connect failing in a way that passes (5xx, timeouts): the error's name, how many batch calls failed in a
   * row since `since`, and when the dispatcher may call again. Cleared by the next call Connect answers.
   */
  connectRetry?: ConnectRetry | undefined;
  /**
   * The retry rules pending retries were last re-keyed under (a fingerprint), and how far a re-key pass after a
   * change has come (docs/retries.md).
   */
  retryRules?: { fingerprint: string; cursor?: string | undefined } | undefined;
}

/** A streak of transient Amazon Connect failures of one campaign (see {@link DialingStats.connectRetry}). */
export interface ConnectRetry {
  code: string;
  failures: number;
  since: string;
  retryAt: string;
}

/** Figure updates; counts are added. */
export interface StatsDelta {
  dials?: number;
  pilotDials?: number;
  invalid?: number;
  exhausted?: number;
  dnc?: number;
  expired?: number;
  throttled?: number;
  lastThrottledAt?: string;
  lastExpiredAt?: string;
}

/** The dialer's view of contacts in the store (docs/data-model.md, patterns 10–13). */
export interface ContactDialing {
  /** Zones holding the campaign's contacts (maintained as contacts are written). */
  campaignZones(campaignId: string): Promise<string[]>;
  /** Adds zones to the campaign's set; idempotent. */
  addCampaignZones(campaignId: string, zones: readonly string[]): Promise<void>;
  /**
   * Due contacts of one zone, shard and priority with `dueAt <= untilIso`, oldest first, at most `limit`.
   * Priority 0 lists in-flight dials marked before dials left the index (their deadline as `dueAt`); no mark written
   * since puts a contact there.
   */
  queryDue(
    campaignId: string,
    zone: string,
    shard: number,
    priority: number,
    untilIso: string,
    limit: number,
  ): Promise<DueRef[]>;
  /**
   * One page of a due partition's entries of `priority` after `afterSk` (exclusive; `undefined` = from the start),
   * whatever their due time, in index order; `done` once the partition has no more.
   */
  queryDueAfter(
    campaignId: string,
    zone: string,
    shard: number,
    priority: number,
    afterSk: string | undefined,
    limit: number,
  ): Promise<{ refs: DueRef[]; done: boolean }>;
  /** Records the retry rules' fingerprint and the progress of a re-key pass on the stats item. */
  setRetryRules(campaignId: string, value: NonNullable<DialingStats['retryRules']>): Promise<void>;
  /** Reads the contacts and their numbers' DNC standing; refs whose contact is gone are left out. */
  load(refs: readonly DueRef[], nowIso: string): Promise<DialingContact[]>;
  /**
   * Records the dial batch (its deadline and the dials it is about to mark) where the reconciler finds it by time,
   * then marks the contacts of the batch (≤ 25) `dialing`, each with its own conditional write, only if its index
   * entry is still the one selected (a mark that lost a race is left out of the returned batch); a mark takes the
   * contact out of the due index. Then counts the marks written in `dials` (and `pilotDials` for a pilot) in one write
   * that also opens the batch. Connect may be sent the batch only once this returned: a mark whose batch was never
   * counted was never sent.
   */
  markDialing(
    campaignId: string,
    marks: readonly DialMark[],
    options: { pilot: boolean },
    nowIso: string,
  ): Promise<MarkedBatch>;
  /**
   * Closes a batch `markDialing` opened. With Connect's answer: records, in one write for the batch, which of its
   * dials Connect accepted (the reconciler's proof that they were placed). Without (Connect was not reached or did
   * not answer, and the batch's marks were undone): closed with nothing accepted. Either way, once a batch is no
   * longer open, its record says it was counted.
   */
  closeBatch(
    campaignId: string,
    batch: MarkedBatch,
    answer: { accepted: readonly DialMark[] } | undefined,
    nowIso: string,
  ): Promise<void>;
  /**
   * Closes the batches whose dial deadline is past `nowIso` and that are still open: a dispatcher died between counting
   * and closing them. Their dials stay counted, none confirmed. Returns how many.
   */
  closeAbandonedBatches(campaignId: string, nowIso: string): Promise<number>;
  /**
   * One page of the campaign's dial batches whose deadline is at or before `nowIso` (after `after`, exclusive), at
   * most `limit`, with their dials still in flight read consistently. Batches a dispatcher left open must have been
   * closed first ({@link closeAbandonedBatches}); a batch still open is reported as counted all the same.
   */
  staleDials(
    campaignId: string,
    nowIso: string,
    page: { after?: string | undefined; limit: number },
  ): Promise<StaleDialPage>;
  /** Forgets batches none of whose dials is in flight any more: the reconciler never reads them again. */
  settleBatches(campaignId: string, batchIds: readonly string[]): Promise<void>;
  /**
   * Moves contacts out of `dialing` (attempt `attempt`) or out of the due position `fromDueSk`; a contact that
   * moved on meanwhile (an outcome arrived) is left alone. Returns how many moved.
   */
  move(
    moves: readonly { ref: DueRef; from: { attempt: number; batch?: string } | { dueSk: string }; to: ContactMove }[],
    nowIso: string,
  ): Promise<number>;
  /**
   * Undoes marks whose dial Connect never confirmed: each contact still dialing `attempt` goes to `to` (back into the
   * index with its due keys, attempt unchanged, so the resend carries the same client token) and, when `counted`, its dial comes off the
   * campaign's `dials` (and `pilotDials` when `pilot`) in the same transaction, so the resend counts it once again. A
   * contact that moved on meanwhile (an outcome arrived: the dial was real) keeps its count. `stats` (e.g. the
   * throttled count) is added in the first of those transactions. Returns how many moved.
   */
  unmarkDialing(campaignId: string, moves: readonly DialUnmark[], nowIso: string, stats?: StatsDelta): Promise<number>;
  stats(campaignId: string): Promise<DialingStats>;
  /**
   * Claims the campaign's dispatcher tick for `owner` until `untilIso`: false while another tick's claim holds (two
   * ticks of one campaign at once would both spend the pacing budget and the pilot's room). An expired claim (its
   * tick died) is taken over.
   */
  claimTick(campaignId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean>;
  /** Gives `owner`'s claim back (a claim someone else holds by now is left alone). */
  releaseTick(campaignId: string, owner: string): Promise<void>;
  addStats(campaignId: string, delta: StatsDelta): Promise<void>;
  setConnectError(campaignId: string, error: DialingStats['connectError'] | undefined): Promise<void>;
  /** Records (or, with undefined, clears) the campaign's streak of transient Connect failures. */
  setConnectRetry(campaignId: string, retry: ConnectRetry | undefined): Promise<void>;
}

/** Reads behind the "why is nothing dialing" report; all bounded by zones, shards and lists, never by a Scan. */
export interface DialingDiagnosticsReads {
  /**
   * Dials in flight by contact zone, from the campaign's dial batches not yet settled and their contacts (eventually
   * consistent), reading at most about `maxContacts` contacts: `exact` is false when more were left unread (the
   * counts are then a lower bound).
   */
  countInFlight(campaignId: string, maxContacts: number): Promise<{ byZone: Record<string, number>; exact: boolean }>;
  /** Index entries of one due partition with `fromSk <= dueSk <= toSk` (a COUNT query: keys are read, not returned). */
  countDue(campaignId: string, zone: string, shard: number, fromSk: string, toSk: string): Promise<number>;
  /** Lists still loading and how many of their contacts wait for the release (at least, as of their checkpoints). */
  loadingLists(campaignId: string): Promise<{ listId: string; pendingContacts: number }[]>;
  /** Contacts accepted by all finished lists of the campaign. */
  acceptedContacts(campaignId: string): Promise<number>;
}

/** What the outcomes side knows about an attempt whose outcome never reached the contact. */
export type LostOutcome =
  | { kind: 'unknown' }
  /**
   * The call was placed and its outcome is not known yet (a long conversation, or its contact record still on the
   * way): the reconciler leaves it in flight, up to a limit from the dial (reconcile.ts).
   */
  | { kind: 'inProgress' }
  /** The outcome exists; it was applied to the contact by the lookup. */
  | { kind: 'applied' };

/** Looks up an attempt's outcome for the stale-dial reconciler (implemented by the outcomes issue). */
export interface OutcomeLookup {
  lookup(campaignId: string, phoneKey: string, attempt: number): Promise<LostOutcome>;
}

/** The default until the outcomes issue lands: nothing is known, so a stale dial counts as expired. */
export const noOutcomeLookup: OutcomeLookup = { lookup: async () => ({ kind: 'unknown' }) };
