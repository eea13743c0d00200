import type { Campaign } from '#shared/domain/campaign';
import type { ContactChange, ContactView, CounterContribution } from '#shared/domain/outcomes/derive';
import type { AttemptFacts } from '#shared/domain/outcomes/facts';

/** Names one attempt: `attemptKey(campaignId, phoneKey, attempt)`. */
export interface AttemptId {
  campaignId: string;
  phoneKey: string;
  attempt: number;
}

/** The attempt item as the outcomes use case keeps it. */
export interface StoredAttempt {
  id: AttemptId;
  /** Optimistic-locking version; 0 means "no item yet". */
  version: number;
  facts: AttemptFacts;
  /** What this attempt has added to the counters so far; the next write ADDs only the difference. */
  counted: CounterContribution[];
  /** Team of the attempt's agent as resolved when the agent became known. */
  team?: string | undefined;
  /** The agent `team` was resolved for. */
  teamAgentId?: string | undefined;
  /** When the outcome first became final; never changes afterwards. */
  finalizedAt?: string | undefined;
  /** Set once `OrderPlaced` went out for this attempt's order. */
  orderPublished?: boolean | undefined;
}

/** What one read returns: the attempt (absent before its first input), its contact and what else was asked for. */
export interface OutcomeSnapshot {
  attempt?: StoredAttempt | undefined;
  contact?: ContactView | undefined;
  /** Only when asked for. */
  campaign?: Campaign | undefined;
  /** Only when asked for: the agent's team, `null` when the agent has no profile or no team. */
  agentTeam?: string | null | undefined;
  /** Only when asked for: whether the number's person was erased (`DELETE /subjects/{phone}`). */
  erased?: boolean | undefined;
}

/** Fields of the attempt item that indexes and readers (QA, reports) use; derived, rewritten on every write. */
export interface AttemptSummary {
  connectContactId?: string | undefined;
  agentId?: string | undefined;
  day?: string | undefined;
  outcome?: string | undefined;
  effective: boolean;
  talkSeconds: number;
  /**
   * The disposition's flags, whatever its code (a campaign's own catalog may name them): QA samples every complaint
   * and do-not-call call, reading them from the attempt.
   */
  complaint?: boolean | undefined;
  doNotCall?: boolean | undefined;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
}

/** A pending contact of the same number, to be made `dnc` if it is still in `state`. */
export interface PhoneContact {
  campaignId: string;
  state: ContactView['state'];
}

/**
 * Everything one input changes. The attempt is written under its version condition, or nothing is; what follows from
 * it (the contact's move) may land after it, but never from an older version of the attempt than the one it shows.
 */
export interface OutcomeWrite {
  attempt: StoredAttempt;
  /** When the write is made (ISO); stamped on what it changes. */
  at: string;
  /** The version the attempt had when read; the write fails (conflict) if it changed meanwhile. */
  expectedVersion: number;
  summary: AttemptSummary;
  /** The contact's move, conditional on the attempt still owning the contact (`ownsContact`); `zone` places it in the due index. */
  contact?: (ContactChange & { zone: string }) | undefined;
  /**
   * What this write moves in the counters: `attempt.counted` minus what the attempt had counted when read. The
   * DynamoDB store does not write them: the table's stream applies the difference of the attempt's two images
   * (docs/data-model.md "Counters"); a store without a stream applies them with the write.
   */
  counters: CounterContribution[];
  /**
   * A Connect contact id this write is the first to name the attempt by: the store makes the attempt findable by it
   * ({@link OutcomeStore.findByConnectContactId}), at the latest when the write succeeds.
   */
  linkConnectContactId?: string | undefined;
  /** A do-not-call request: the STATUS entry and the pending contacts of the number in every campaign. */
  dnc?:
    | {
        entry: { source: 'request' | 'complaint'; at: string; who: string; how: string };
        contacts: PhoneContact[];
      }
    | undefined;
}

/** What one {@link OutcomeStore.read} reads besides the attempt and its contact, and how. */
export interface OutcomeReadOptions {
  /** The attempt's campaign. */
  campaign: boolean;
  /** This agent's team. */
  agentId?: string | undefined;
  /** A consistent read (the default); an eventually consistent one costs half. */
  consistent?: boolean | undefined;
  /** Whether the number's person was erased (its STATUS item). */
  erasure?: boolean | undefined;
}

/**
 * Attempts and their contacts in the store (docs/data-model.md, patterns 14–16). Implementations must make
 * {@link OutcomeStore.write} conditional on the attempt's version, so that exactly one of two racing writers wins; a
 * DNC entry is written with the attempt atomically.
 */
export interface OutcomeStore {
  /** The attempt a Connect contact id was linked to by a write ({@link OutcomeWrite.linkConnectContactId}). */
  findByConnectContactId(connectContactId: string): Promise<AttemptId | undefined>;
  /**
   * Reads the attempt and its contact, plus the campaign, the agent's team and the erasure mark when asked; consistently unless
   * `consistent` is false (an eventually consistent read may miss the latest writes, at half the read units).
   */
  read(id: AttemptId, options: OutcomeReadOptions): Promise<OutcomeSnapshot>;
  /** Contacts of the number in every campaign (one Query of its partition). */
  phoneContacts(phoneKey: string): Promise<PhoneContact[]>;
  /** Writes the input's changes; false when the attempt's condition failed (someone wrote first): read again and retry. */
  write(write: OutcomeWrite): Promise<boolean>;
  /** Marks the attempt's order as published. */
  markOrderPublished(id: AttemptId): Promise<void>;
  /**
   * Deletes an attempt and the link from a Connect contact id to it: what a write racing the erasure of the person
   * (between the erasure's read and its deletes) left. What the attempt had counted stays counted.
   */
  forget(id: AttemptId, connectContactId: string): Promise<void>;
}
