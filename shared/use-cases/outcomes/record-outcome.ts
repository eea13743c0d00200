import { type Campaign, DEFAULT_DISPOSITIONS } from '#shared/domain/campaign';
import { FINAL_CONTACT_STATES } from '#shared/domain/contact';
import {
  type AttemptOutcome,
  type ContactChange,
  type ContactView,
  contactMatches,
  counterContributions,
  counterDeltas,
  deriveOutcome,
  ownsContact,
  planContactChange,
  UNASSIGNED_TEAM,
} from '#shared/domain/outcomes/derive';
import { dispositionAgentVerdict } from '#shared/domain/outcomes/disposition-agent';
import { connectContactIdOf, mergeFacts, namesContact, sameFacts } from '#shared/domain/outcomes/facts';
import { type OrderPlacedDetail, OUTCOME_EVENT_SOURCE } from '#shared/domain/outcomes/order-placed';
import { checkCallback } from '#shared/domain/retries/next-attempt';
import type { Clock } from '#shared/ports/clock';
import type { LostOutcome, OutcomeLookup } from '#shared/ports/contact-dialing';
import type { EventPublisher } from '#shared/ports/event-publisher';
import type {
  AttemptId,
  OutcomeSnapshot,
  OutcomeStore,
  OutcomeWrite,
  StoredAttempt,
} from '#shared/ports/outcome-store';
import type { OutcomeInput } from '#shared/use-cases/outcomes/inputs';

export interface OutcomeDeps {
  store: OutcomeStore;
  events: EventPublisher;
  clock: Clock;
  /** How long a campaign read is reused (its rules are frozen while it dials). Default 60 s. */
  campaignCacheMs?: number;
  /** Reads and writes tried before giving up on contention. Default 8. */
  maxTries?: number;
}

/** Attempts that lost the optimistic-locking race `maxTries` times in a row. */
export class OutcomeContentionError extends Error {
  override readonly name = 'OutcomeContentionError';
}

export type RecordStatus =
  /** The agent's callback time is outside the customer's calling window (or past the deadline): nothing written. */
  | 'callbackRefused'
  /** Something changed and was written. */
  | 'recorded'
  /** A repeat: nothing new, nothing written. */
  | 'unchanged'
  /** A contact event for a contact id no attempt has been recorded for yet (the contact record will bring it). */
  | 'uncorrelated'
  /** The attempt's campaign does not exist: not an outcall dial, or deleted. */
  | 'unknownCampaign'
  /** A disposition from an agent other than the one the call was connected to: nothing written. */
  | 'forbidden'
  /**
   * A disposition for an attempt whose agent Amazon Connect has not reported yet: nothing written. The same
   * disposition is accepted once the agent is known, so the caller asks the agent to try again in a moment.
   */
  | 'notYetConnected'
  /**
   * The number's person was erased (`DELETE /subjects/{phone}`) and their contact is gone: an input of a call that was
   * in flight then writes nothing, so no attempt about them reappears. What the call had counted before stays.
   */
  | 'erased';

export interface RecordResult {
  status: RecordStatus;
  id?: AttemptId;
  outcome?: AttemptOutcome;
  /** The contact's state after the write, when this attempt decides it. */
  contactState?: string;
  /** Screen-pop data for the call-start flow (never logged). */
  screenPop?: { name?: string | undefined; company?: string | undefined; scriptVersion?: number | undefined };
  /** Why the callback time was refused, the customer's zone and the nearest allowed start times (ISO, UTC). */
  callbackRefused?: { reason: string; zone: string; suggestions: string[] };
  /**
   * What this write changed in the campaign's `connects` counter (+1 when it first counted the call as connected, −1
   * when a later fact took that back; absent when nothing changed): the `Connects` metric, counted exactly when the
   * counter was.
   */
  connectsCounted?: number;
}

const PENDING_STATES = new Set(['new', 'queued', 'dialing', 'retryWait', 'callback']);

/**
 * Whether a decision taken on an eventually consistent read could be wrong without any write condition noticing, so
 * that the recorder must read again consistently before acting on it. What a stale read can get wrong:
 * - the attempt: never unnoticed — the write is conditioned on the version read, so it fails and the recorder reads
 *   again (consistently). A stale attempt that already holds this input's facts is a repeat either way;
 * - the contact, when this write moves it: the move is conditioned on the attempt owning the contact now, and its
 *   plan is a function of the merged facts and the class counts, which `planContactChange` corrects idempotently from
 *   any owned state of the same attempt — a stale owned contact plans the same move as the fresh one;
 * - the contact, when this write leaves it alone: nothing checks it. Leaving it because the stale copy is not this
 *   attempt's (the dispatcher's mark not seen yet), is missing, or already matches the plan (a newer move of this
 *   attempt not seen yet) could skip a move the contact needs: those decisions are only taken on a consistent read.
 * A call in progress (owned, no move planned) decides nothing about the contact and needs no second read.
 */
function staleRisk(
  snap: OutcomeSnapshot,
  attempt: number,
  change: ContactChange | undefined,
  contact: OutcomeWrite['contact'],
): boolean {
  if (!snap.contact) return true;
  if (change === undefined) return !ownsContact(snap.contact, attempt);
  return contact === undefined;
}

/**
 * Records outcome inputs (contact records, contact events, dispositions, call starts) exactly once per attempt:
 * read → merge facts → derive → one conditional atomic write of the attempt (with what it has counted), the contact
 * move and a DNC entry; a lost race reads again. Duplicates change nothing and write nothing. The counters follow
 * from the attempt's counted values (the store, or the table's stream, applies the difference).
 */
export class OutcomeRecorder implements OutcomeLookup {
  readonly #deps: OutcomeDeps;
  readonly #campaigns = new Map<string, { campaign: Campaign; at: number }>();

  constructor(deps: OutcomeDeps) {
    this.#deps = deps;
  }

  async record(input: OutcomeInput): Promise<RecordResult> {
    const id = input.id ?? (await this.#deps.store.findByConnectContactId(input.connectContactId));
    if (!id) return { status: 'uncorrelated' };
    const tries = this.#deps.maxTries ?? 8;
    let agentToRead = input.agentId;
    // An input's first read is eventually consistent (half the read units); every later one is consistent.
    let consistent = false;
    // A contact missing from a read may have been erased with its person: the next read also asks (rarely paid for).
    let askErasure = false;
    for (let i = 0; i < tries; i++) {
      const cached = this.#cachedCampaign(id.campaignId);
      const snap = await this.#deps.store.read(id, {
        campaign: !cached,
        agentId: agentToRead,
        consistent,
        ...(askErasure ? { erasure: true } : {}),
      });
      askErasure = !snap.contact;
      // Only on a consistent read: the erasure deleted the contact before this read, and any later input finds the
      // same, so none of the call's inputs writes an attempt again. An attempt still there was written by an input
      // racing the erasure (its contact read before the erasure's deletes, its write after the erasure's read).
      if (consistent && snap.erased && !snap.contact) {
        if (snap.attempt) await this.#deps.store.forget(id, input.connectContactId);
        return { status: 'erased', id };
      }
      const campaign = snap.campaign ?? cached;
      if (!campaign) return { status: 'unknownCampaign', id };
      if (snap.campaign) this.#campaigns.set(id.campaignId, { campaign: snap.campaign, at: this.#now().getTime() });

      const old: StoredAttempt = snap.attempt ?? { id, version: 0, facts: {}, counted: [] };
      const agentVerdict = dispositionAgentVerdict(old.facts, input.facts.disposition);
      const refused = agentVerdict === 'ok' ? this.#refusedCallback(input, old, campaign, snap.contact) : undefined;
      // A refusal writes nothing, so no condition would notice a stale attempt (the agent's connection or the agreed
      // callback time not seen yet): it is only given on a consistent read.
      if ((agentVerdict !== 'ok' || refused) && !consistent) {
        consistent = true;
        i--;
        continue;
      }
      if (agentVerdict === 'anotherAgent') return { status: 'forbidden', id };
      if (agentVerdict === 'notYetConnected') return { status: 'notYetConnected', id };
      if (refused) return { status: 'callbackRefused', id, callbackRefused: refused };
      const facts = mergeFacts(old.facts, input.facts);
      const o = deriveOutcome(facts, campaign);

      let team: string | undefined;
      let teamAgentId: string | undefined;
      if (o.agentId) {
        teamAgentId = o.agentId;
        if (old.teamAgentId === o.agentId && old.team) team = old.team;
        else if (agentToRead === o.agentId && snap.agentTeam !== undefined) team = snap.agentTeam ?? UNASSIGNED_TEAM;
        else {
          // The merged facts name an agent this read did not ask about: read again with it.
          agentToRead = o.agentId;
          i--;
          continue;
        }
      }

      const counted = counterContributions(id.campaignId, o, facts, team, id.attempt);
      const counters = counterDeltas(old.counted, counted);
      const change = snap.contact ? planContactChange(snap.contact, id.attempt, o, campaign, facts) : undefined;
      const contact =
        change && snap.contact && !contactMatches(snap.contact, change)
          ? { ...change, zone: snap.contact.zone }
          : undefined;
      if (!consistent && staleRisk(snap, id.attempt, change, contact)) {
        consistent = true;
        i--;
        continue;
      }
      const dnc =
        o.doNotCall && !deriveOutcome(old.facts, campaign).doNotCall
          ? await this.#dncFor(id, o, facts, change)
          : undefined;

      const screenPop = {
        name: snap.contact?.attributes?.name,
        company: snap.contact?.attributes?.company,
        scriptVersion: campaign.script.version,
      };
      const unchanged =
        sameFacts(old.facts, facts) &&
        counters.length === 0 &&
        !contact &&
        !dnc &&
        old.team === team &&
        old.version > 0;
      const contactState = change?.state ?? snap.contact?.state;
      if (unchanged) {
        await this.#publishOrder(old, o, campaign);
        return { status: 'unchanged', id, outcome: o, screenPop, ...(contactState ? { contactState } : {}) };
      }

      const now = this.#now().toISOString();
      const attempt: StoredAttempt = {
        id,
        version: old.version + 1,
        facts,
        counted,
        team,
        teamAgentId,
        finalizedAt: old.finalizedAt ?? (o.final ? now : undefined),
        orderPublished: old.orderPublished,
      };
      const write: OutcomeWrite = {
        at: now,
        attempt,
        expectedVersion: old.version,
        summary: {
          connectContactId: connectContactIdOf(facts),
          agentId: o.agentId,
          day: o.day,
          outcome: o.outcome,
          effective: o.effective,
          talkSeconds: o.talkSeconds,
          complaint: o.complaint,
          doNotCall: o.doNotCall,
          startedAt: o.startedAt,
          endedAt: o.endedAt,
        },
        contact,
        counters,
        dnc,
        // Contact events carry no attributes: they find the attempt by this id (an old fact already linked it). They
        // only stand in until the contact record, so an attempt whose record is in needs no link any more.
        linkConnectContactId:
          input.connectContactId && !facts.ctr && !namesContact(old.facts, input.connectContactId)
            ? input.connectContactId
            : undefined,
      };
      const written = await this.#deps.store.write(write);
      // Someone wrote first, or the read was stale: the attempt's version condition failed. Read again, consistently.
      consistent = true;
      if (written) {
        await this.#publishOrder(attempt, o, campaign);
        const connectsCounted = counters.find((c) => c.scope === 'CAMPAIGN')?.values.connects;
        return {
          status: 'recorded',
          id,
          outcome: o,
          screenPop,
          ...(contactState ? { contactState } : {}),
          ...(connectsCounted ? { connectsCounted } : {}),
        };
      }
    }
    throw new OutcomeContentionError(`attempt ${id.campaignId}.${id.phoneKey}.${id.attempt} kept changing under us`);
  }

  /**
   * For the stale-dial reconciler: applies a known outcome the contact missed, or says the call is still going on.
   */
  async lookup(campaignId: string, phoneKey: string, attempt: number): Promise<LostOutcome> {
    const id = { campaignId, phoneKey, attempt };
    const snap = await this.#deps.store.read(id, { campaign: !this.#cachedCampaign(campaignId) });
    if (!snap.attempt) return { kind: 'unknown' };
    // Re-running an empty input writes whatever the contact is missing (or nothing).
    const result = await this.record({ id, connectContactId: '', facts: {} });
    if (result.status === 'unknownCampaign') return { kind: 'unknown' };
    const contact = (await this.#deps.store.read(id, { campaign: false })).contact;
    if (contact?.state !== 'dialing' || contact.dialing?.attempt !== attempt) return { kind: 'applied' };
    return { kind: 'inProgress' };
  }

  /**
   * An agent's callback time is booked only inside the customer's calling window, before the deadline, where the
   * frequency caps let the contact be dialed, and while it has attempts left: otherwise the disposition is refused
   * with the nearest allowed times, so the agent agrees another time with the customer (docs/retries.md). A repeat
   * of a time already accepted is not checked again (it may be in the past by now).
   */
  #refusedCallback(
    input: OutcomeInput,
    old: StoredAttempt,
    campaign: Campaign,
    contact: ContactView | undefined,
  ): RecordResult['callbackRefused'] {
    const given = input.facts.disposition;
    if (!given?.callbackAt) return undefined;
    const catalog = campaign.dispositions.length > 0 ? campaign.dispositions : DEFAULT_DISPOSITIONS;
    const isCallback = (code: string | undefined) => catalog.find((d) => d.code === code)?.callback === true;
    if (!isCallback(given.code)) return undefined;
    // Only a time accepted as a callback was checked: the same time sent before with a code that books no callback
    // (and so was stored unchecked) is checked now.
    const accepted = old.facts.disposition;
    if (accepted?.callbackAt === given.callbackAt && isCallback(accepted.code)) return undefined;
    const requested = new Date(given.callbackAt);
    if (Number.isNaN(requested.getTime())) return undefined;
    const zone = contact?.zone || campaign.callingRules.timeZone;
    // This attempt counts, and its dial time is already among the contact's recent attempts (the dialer appends it).
    const history = { attempts: old.id.attempt, recentAttempts: contact?.recentAttempts ?? [] };
    const check = checkCallback(campaign, zone, requested, this.#now(), history);
    if (check.ok) return undefined;
    return { reason: check.reason, zone, suggestions: check.suggestions.map((d) => d.toISOString()) };
  }

  async #dncFor(
    id: AttemptId,
    o: AttemptOutcome,
    facts: OutcomeInput['facts'],
    change: ContactChange | undefined,
  ): Promise<OutcomeWrite['dnc']> {
    const contacts = (await this.#deps.store.phoneContacts(id.phoneKey)).filter(
      (c) =>
        PENDING_STATES.has(c.state) &&
        !(FINAL_CONTACT_STATES as readonly string[]).includes(c.state) &&
        !(change && c.campaignId === id.campaignId),
    );
    return {
      entry: {
        source: o.complaint ? 'complaint' : 'request',
        at: facts.disposition?.at ?? this.#now().toISOString(),
        who: o.agentId ?? 'agent',
        how: connectContactIdOf(facts) ?? `${id.campaignId}.${id.phoneKey}.${id.attempt}`,
      },
      contacts,
    };
  }

  async #publishOrder(attempt: StoredAttempt, o: AttemptOutcome, campaign: Campaign): Promise<void> {
    const order = attempt.facts.disposition?.order;
    if (!order || !o.disposition?.order || attempt.orderPublished) return;
    const { id } = attempt;
    const detail: OrderPlacedDetail = {
      orderId: `${id.campaignId}.${id.phoneKey}.${id.attempt}`,
      campaignId: campaign.id,
      phoneKey: id.phoneKey,
      attempt: id.attempt,
      connectContactId: connectContactIdOf(attempt.facts) ?? '',
      dispositionCode: o.disposition.code,
      items: order.items,
      placedAt: attempt.facts.disposition?.at ?? this.#now().toISOString(),
      ...(o.agentId ? { agentId: o.agentId } : {}),
      ...(order.amount !== undefined ? { amount: order.amount } : {}),
      ...(order.currency ? { currency: order.currency } : {}),
      ...(order.deliveryAddress ? { deliveryAddress: order.deliveryAddress } : {}),
    };
    // At least once: published after the write; a failure here fails the input, whose redelivery publishes again.
    await this.#deps.events.publish([{ source: OUTCOME_EVENT_SOURCE, detailType: 'OrderPlaced', detail }]);
    await this.#deps.store.markOrderPublished(id);
  }

  #cachedCampaign(campaignId: string): Campaign | undefined {
    const hit = this.#campaigns.get(campaignId);
    if (!hit) return undefined;
    if (this.#now().getTime() - hit.at > (this.#deps.campaignCacheMs ?? 60_000)) {
      this.#campaigns.delete(campaignId);
      return undefined;
    }
    return hit.campaign;
  }

  #now(): Date {
    return this.#deps.clock.now();
  }
}
