import type { AcceptedContact } from '#shared/domain/intake/classify';

/** What the STATUS item of a number says (docs/data-model.md): allocation and DNC entry. */
export interface PhoneStatus {
  allocCampaignId?: string | undefined;
  allocListId?: string | undefined;
  allocUntil?: string | undefined;
  dnc?: { source: string; at: string; until?: string | undefined } | undefined;
}

/** The list being loaded and the values every contact of it gets. */
export interface IntakeTarget {
  campaignId: string;
  listId: string;
  /** ISO instant of the intake: the contacts' `createdAt` and first `dueAt`. */
  intakeAt: string;
  /** ISO instant until which a claimed number stays allocated to the campaign. */
  allocUntil: string;
}

/** An accepted row ready to write: the contact, its pseudonymous key and its due-index placement. */
export interface PendingContact extends AcceptedContact {
  phoneKey: string;
  shard: number;
  priority: number;
  /**
   * Set when the number is allocated to a finished campaign: the claim may take it over from exactly that campaign.
   */
  takeOverFrom?: string | undefined;
}

/**
 * How a contact's write ended. Anything but `accepted` means the store found out more than the status read said
 * (a race with another list, or rows already written by this list before a crash).
 */
export type WriteOutcome =
  | 'accepted'
  | 'duplicate_in_file'
  | 'duplicate_in_campaign'
  | 'do_not_call'
  | 'allocated_elsewhere';

/** What one release pass did. */
export interface ReleasePass {
  /** Contacts given their due keys (one still pending but erased or made DNC meanwhile is not). */
  released: number;
  /** True when the whole list was gone through. */
  drained: boolean;
  /** When not drained: where the next pass goes on after (absent: from the start, which is harmless). */
  afterRow?: number;
}

export interface ContactStore {
  /** Most numbers per `readStatuses` call. */
  readonly statusBatchSize: number;
  /** STATUS items of these numbers; numbers with none are absent from the answer. */
  readStatuses(phoneKeys: readonly string[]): Promise<Map<string, PhoneStatus>>;
  /**
   * Claims the numbers and writes their contacts pending (in no index: invisible to the dialer), each with its claim;
   * one outcome per contact, in order.
   */
  writeContacts(target: IntakeTarget, contacts: readonly PendingContact[]): Promise<WriteOutcome[]>;
  /**
   * Gives the list's pending contacts their due keys, going on after the point `afterRow` a previous pass stopped at
   * (as it returned it). Stops early when `shouldStop()` turns true, after some work; returns how many it released and
   * whether it went through the whole list.
   */
  releaseList(target: IntakeTarget, shouldStop: () => boolean, afterRow?: number): Promise<ReleasePass>;
  /**
   * Deletes the list's pending contacts and gives back every claim the list made (also one the code before claimed
   * without writing its contact, when it crashed between the two), except where the campaign has a contact for the
   * number; returns how many contacts it deleted.
   */
  discardList(target: IntakeTarget): Promise<number>;
}

/** The DNC side of the STATUS items: imported lists add entries. */
export interface DncStore {
  readonly batchSize: number;
  /** Adds an entry to each number that has none (an existing entry, e.g. a customer's own request, is kept). */
  addEntries(phoneKeys: readonly string[], entry: { source: string; at: string; listId: string }): Promise<void>;
}
