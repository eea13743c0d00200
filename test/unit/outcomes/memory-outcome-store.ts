import type { Campaign } from '#shared/domain/campaign';
import type { ContactView, CounterContribution } from '#shared/domain/outcomes/derive';
import { ownsContact } from '#shared/domain/outcomes/derive';
import type {
  AttemptId,
  OutcomeReadOptions,
  OutcomeSnapshot,
  OutcomeStore,
  OutcomeWrite,
  PhoneContact,
  StoredAttempt,
} from '#shared/ports/outcome-store';

/** A contact as the in-memory store holds it: the view plus its due-index placement. */
export interface MemoryContact extends ContactView {
  priority?: number | undefined;
  reason?: string | undefined;
}

const ref = (id: AttemptId) => `${id.campaignId}.${id.phoneKey}.${id.attempt}`;
const contactRef = (campaignId: string, phoneKey: string) => `${campaignId}|${phoneKey}`;

/**
 * The same semantics as the DynamoDB adapter (conditional, all-or-nothing writes; consistent reads), in memory, so
 * the use case can be replayed thousands of times in a unit test. It also counts requests like the adapter makes.
 */
export class MemoryOutcomeStore implements OutcomeStore {
  readonly attempts = new Map<string, StoredAttempt>();
  readonly contacts = new Map<string, MemoryContact>();
  readonly counters = new Map<string, Record<string, number>>();
  readonly dnc = new Map<string, NonNullable<OutcomeWrite['dnc']>['entry']>();
  readonly campaigns = new Map<string, Campaign>();
  readonly agentTeams = new Map<string, string>();
  readonly byConnectId = new Map<string, AttemptId>();
  /** Phone keys whose person was erased (the STATUS item's `erasedAt`). */
  readonly erased = new Set<string>();
  requests = 0;
  /** When set, the next write fails as if another writer had won, then this resets. */
  failNextWrite = false;

  async findByConnectContactId(connectContactId: string): Promise<AttemptId | undefined> {
    this.requests++;
    return this.byConnectId.get(connectContactId);
  }

  async read(id: AttemptId, options: OutcomeReadOptions): Promise<OutcomeSnapshot> {
    this.requests++;
    const snap: OutcomeSnapshot = {};
    const attempt = this.attempts.get(ref(id));
    if (attempt) snap.attempt = structuredClone(attempt);
    const contact = this.contacts.get(contactRef(id.campaignId, id.phoneKey));
    if (contact) snap.contact = structuredClone(contact);
    if (options.campaign) snap.campaign = this.campaigns.get(id.campaignId);
    if (options.agentId) snap.agentTeam = this.agentTeams.get(options.agentId) ?? null;
    if (options.erasure) snap.erased = this.erased.has(id.phoneKey);
    return snap;
  }

  async forget(id: AttemptId, connectContactId: string): Promise<void> {
    this.requests++;
    this.attempts.delete(ref(id));
    this.byConnectId.delete(connectContactId);
  }

  async phoneContacts(phoneKey: string): Promise<PhoneContact[]> {
    this.requests++;
    return [...this.contacts.values()]
      .filter((c) => c.phoneKey === phoneKey)
      .map((c) => ({ campaignId: c.campaignId, state: c.state }));
  }

  async write(w: OutcomeWrite): Promise<boolean> {
    this.requests++;
    // The adapter links the contact id before its conditional write, so a lost race keeps the link too.
    if (w.linkConnectContactId) this.byConnectId.set(w.linkConnectContactId, w.attempt.id);
    if (this.failNextWrite) {
      this.failNextWrite = false;
      return false;
    }
    const { id } = w.attempt;
    const current = this.attempts.get(ref(id));
    if ((current?.version ?? 0) !== w.expectedVersion) return false;
    const contactKey = contactRef(id.campaignId, id.phoneKey);
    const contact = this.contacts.get(contactKey);
    if (w.contact && (!contact || !ownsContact(contact, w.contact.attempt))) return false;
    for (const c of w.dnc?.contacts ?? []) {
      if (this.contacts.get(contactRef(c.campaignId, id.phoneKey))?.state !== c.state) return false;
    }
    // All conditions hold: apply everything.
    this.attempts.set(ref(id), structuredClone(w.attempt));
    if (w.contact && contact) {
      const c = w.contact;
      this.contacts.set(contactKey, {
        ...contact,
        state: c.state,
        attemptsByClass: c.attemptsByClass,
        outcomeAttempt: c.attempt,
        outcomeClass: c.outcomeClass,
        dueAt: c.dueAt,
        priority: c.dueAt !== undefined ? c.priority : undefined,
        callback: c.callback,
        reason: c.reason,
        dialing: undefined,
      });
    }
    for (const c of w.counters) this.#add(c);
    if (w.dnc) {
      this.dnc.set(id.phoneKey, w.dnc.entry);
      for (const c of w.dnc.contacts) {
        const key = contactRef(c.campaignId, id.phoneKey);
        const other = this.contacts.get(key);
        if (other) this.contacts.set(key, { ...other, state: 'dnc', dueAt: undefined, priority: undefined });
      }
    }
    return true;
  }

  async markOrderPublished(id: AttemptId): Promise<void> {
    this.requests++;
    const a = this.attempts.get(ref(id));
    if (a) a.orderPublished = true;
  }

  #add(c: CounterContribution): void {
    const key = `${c.scope}#${c.id}#${c.day}`;
    const values = this.counters.get(key) ?? {};
    for (const [name, n] of Object.entries(c.values)) values[name] = (values[name] ?? 0) + (n ?? 0);
    this.counters.set(key, values);
  }

  /** Counters with zero values dropped, for comparisons. */
  counterSnapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, values] of [...this.counters.entries()].sort()) {
      const nonZero = Object.fromEntries(
        Object.entries(values)
          .filter(([, n]) => Math.abs(n) > 1e-9)
          .sort(),
      );
      if (Object.keys(nonZero).length > 0) out[key] = nonZero;
    }
    return out;
  }
}
