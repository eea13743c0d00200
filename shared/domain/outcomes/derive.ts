import { DateTime } from 'luxon';
import { moveIntoWindow } from '#shared/domain/calling-window';
import type { Campaign, Disposition, RetryClass } from '#shared/domain/campaign';
import { DEFAULT_DISPOSITIONS } from '#shared/domain/campaign';
import type { ContactState } from '#shared/domain/contact';
import type { CounterField } from '#shared/domain/counters';
import { type AttemptFacts, canonical } from '#shared/domain/outcomes/facts';
import { nextAttempt, type RetryBasis } from '#shared/domain/retries/next-attempt';

/** What Connect says an attempt ended in, before (or without) the agent's disposition. */
export const SYSTEM_OUTCOMES = [
  'reached',
  'noAnswer',
  'busy',
  'voicemail',
  'invalid',
  'expired',
  'failed',
  'abandoned',
] as const;
export type SystemOutcome = (typeof SYSTEM_OUTCOMES)[number];

const FAILURE_REASONS = new Set([
  'OUTBOUND_DESTINATION_ENDPOINT_ERROR',
  'OUTBOUND_RESOURCE_ERROR',
  'OUTBOUND_ATTEMPT_FAILED',
  'TELECOM_PROBLEM',
]);

/**
 * Classifies what Connect reported. AMD verdicts come first (a SIT tone or a voicemail says more than the disconnect
 * reason), then the campaign disconnect reasons, then whether an agent or only the system was connected.
 */
export function classifySystemOutcome(s: {
  amdStatus?: string | undefined;
  disconnectReason?: string | undefined;
  agentConnectedAt?: string | undefined;
  connectedToSystemAt?: string | undefined;
}): SystemOutcome {
  switch (s.amdStatus) {
    case 'SIT_TONE_INVALID_NUMBER':
    case 'FAX_MACHINE_DETECTED':
      return 'invalid';
    case 'SIT_TONE_BUSY':
      return 'busy';
    case 'VOICEMAIL_BEEP':
    case 'VOICEMAIL_NO_BEEP':
      return 'voicemail';
    case 'SIT_TONE_DETECTED':
    case 'AMD_ERROR':
      return 'failed';
  }
  if (s.disconnectReason === 'EXPIRED') return 'expired';
  if (s.disconnectReason && FAILURE_REASONS.has(s.disconnectReason)) return 'failed';
  if (s.agentConnectedAt) return 'reached';
  if (s.amdStatus === 'AMD_UNANSWERED') return 'noAnswer';
  if (s.connectedToSystemAt) return 'abandoned';
  return 'noAnswer';
}

/** Retry rule a not-reached outcome falls under. Abandoned calls (answered, no agent free) wait like expired ones. */
export function retryClassOf(outcome: SystemOutcome): RetryClass | undefined {
  switch (outcome) {
    case 'noAnswer':
    case 'busy':
    case 'voicemail':
    case 'expired':
    case 'failed':
      return outcome;
    case 'abandoned':
      return 'expired';
    default:
      return undefined;
  }
}

/**
 * The counters an outcome moves: a subset of the shared vocabulary in shared/domain/counters.ts, which reports,
 * quotas and QA read. Every one is a plain number ADDed per campaign, agent and team and local day.
 */
export const COUNTER_NAMES = [
  'dials',
  'connects',
  'reached',
  'effective',
  'conversions',
  'refusals',
  'dnc',
  'complaints',
  'callbacks',
  'dispositions',
  ...SYSTEM_OUTCOMES.filter((o) => o !== 'reached'),
  'talkSeconds',
  'orderAmount',
  'firstDials',
] as const satisfies readonly CounterField[];
export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterValues = Partial<Record<CounterName, number>>;

/** One counter item's share of an attempt: `COUNTER#<scope>#<id>` / `DAY#<day>#0`. */
export interface CounterContribution {
  scope: 'CAMPAIGN' | 'AGENT' | 'TEAM';
  id: string;
  day: string;
  values: CounterValues;
}

/** Everything derived from an attempt's merged facts; a pure function of the facts and the campaign. */
export interface AttemptOutcome {
  /** undefined while nothing says how the call ended. */
  system?: SystemOutcome;
  disposition?: Disposition;
  /** The disposition code given is not in the campaign's catalog (kept, but treated as no disposition). */
  unknownDisposition?: string;
  /** Outcome name recorded on the attempt: the disposition code, else the system outcome. */
  outcome?: string;
  reachedPerson: boolean;
  effective: boolean;
  talkSeconds: number;
  agentId?: string;
  startedAt?: string;
  endedAt?: string;
  /** Local day (campaign zone) the attempt counts on. */
  day?: string;
  /** True once the outcome no longer waits for anything (record in, and a disposition when a person was reached). */
  final: boolean;
  doNotCall: boolean;
  complaint: boolean;
}

function dispositionOf(campaign: Campaign, code: string): Disposition | undefined {
  const catalog = campaign.dispositions.length > 0 ? campaign.dispositions : DEFAULT_DISPOSITIONS;
  return catalog.find((d) => d.code === code);
}

function secondsBetween(from?: string, to?: string): number {
  if (!from || !to) return 0;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
}

/**
 * Derives the outcome of an attempt. The contact record, when present, decides everything Connect knows; events
 * only stand in until it comes. The disposition decides what the agent knows.
 */
export function deriveOutcome(facts: AttemptFacts, campaign: Campaign): AttemptOutcome {
  const { ctr, events, disposition: given, callStart } = facts;
  const source = ctr ?? events;
  const ended = ctr !== undefined || (events?.types.some((t) => t === 'DISCONNECTED' || t === 'COMPLETED') ?? false);
  const system = source && ended ? classifySystemOutcome(source) : undefined;
  const disposition = given ? dispositionOf(campaign, given.code) : undefined;
  const talkSeconds = ctr
    ? Math.max(0, Math.round(ctr.talkSeconds ?? 0))
    : secondsBetween(events?.agentConnectedAt, events?.disconnectedAt);
  const agentId = ctr?.agentId ?? events?.agentId ?? given?.agentId;
  const reachedPerson = disposition ? disposition.reachedPerson : system === 'reached';
  const effective =
    (disposition?.effective ?? false) || (reachedPerson && talkSeconds >= campaign.effectiveCall.minTalkSeconds);
  const startedAt = ctr?.initiatedAt ?? events?.initiatedAt ?? callStart?.at ?? given?.at;
  const endedAt = ctr?.disconnectedAt ?? events?.disconnectedAt ?? given?.at;
  const day = startedAt ? localDay(startedAt, campaign.callingRules.timeZone) : undefined;
  const final = disposition !== undefined || (ctr !== undefined && system !== 'reached');
  const out: AttemptOutcome = {
    reachedPerson,
    effective,
    talkSeconds,
    final,
    doNotCall: disposition?.doNotCall ?? false,
    complaint: disposition?.complaint ?? false,
  };
  if (system) out.system = system;
  if (disposition) out.disposition = disposition;
  if (given && !disposition) out.unknownDisposition = given.code;
  const outcome = disposition?.code ?? system;
  if (outcome) out.outcome = outcome;
  if (agentId) out.agentId = agentId;
  if (startedAt) out.startedAt = startedAt;
  if (endedAt) out.endedAt = endedAt;
  if (day) out.day = day;
  return out;
}

export function localDay(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISODate() ?? iso.slice(0, 10);
}

/** The counter values of one attempt, from its derived outcome and the order it carries. */
export function counterValues(o: AttemptOutcome, facts: AttemptFacts, attempt?: number): CounterValues {
  const d = o.disposition;
  // A contact's first attempt counts it as attempted once: reports derive penetration and attempts per contact.
  const v: CounterValues = attempt === 1 ? { dials: 1, firstDials: 1 } : { dials: 1 };
  const add = (name: CounterName, n = 1) => {
    if (n !== 0) v[name] = (v[name] ?? 0) + n;
  };
  if (o.reachedPerson || o.system === 'reached' || o.system === 'abandoned' || o.system === 'voicemail') {
    add('connects');
  }
  if (o.reachedPerson) add('reached');
  if (o.effective) add('effective');
  if (o.system && o.system !== 'reached') add(o.system);
  if (d) {
    add('dispositions');
    if (d.success) add('conversions');
    if (d.final && !d.success && !d.doNotCall && !d.complaint) add('refusals');
    if (d.doNotCall) add('dnc');
    if (d.complaint) add('complaints');
    if (d.callback) add('callbacks');
    if (d.order && facts.disposition?.order?.amount !== undefined) {
      add('orderAmount', Math.round(facts.disposition.order.amount * 100) / 100);
    }
  }
  add('talkSeconds', o.talkSeconds);
  return v;
}

/**
 * The counter items an attempt contributes to: its campaign, and its agent and the agent's team once the agent is
 * known. Nothing is counted before the attempt's day is known, nor while the call is still going on (no end reported,
 * no disposition yet): an answered call then lands in the counters when it ends, instead of piece by piece with its
 * call start and the agent's connection, each of which would add up to three counter items to its write.
 */
export function counterContributions(
  campaignId: string,
  o: AttemptOutcome,
  facts: AttemptFacts,
  team: string | undefined,
  attempt?: number,
): CounterContribution[] {
  if (!o.day || (o.system === undefined && o.disposition === undefined)) return [];
  const values = counterValues(o, facts, attempt);
  const out: CounterContribution[] = [{ scope: 'CAMPAIGN', id: campaignId, day: o.day, values }];
  if (o.agentId) {
    out.push({ scope: 'AGENT', id: o.agentId, day: o.day, values });
    out.push({ scope: 'TEAM', id: team ?? UNASSIGNED_TEAM, day: o.day, values });
  }
  return out;
}

/** Team of an agent without a profile (or a profile without a team). */
export const UNASSIGNED_TEAM = 'unassigned';

const contributionKey = (c: Pick<CounterContribution, 'scope' | 'id' | 'day'>) => `${c.scope}#${c.id}#${c.day}`;

/**
 * What to ADD to each counter item to go from `before` to `after`. Items and values whose difference is zero are
 * left out, so a duplicate input yields nothing to write.
 */
export function counterDeltas(
  before: readonly CounterContribution[],
  after: readonly CounterContribution[],
): CounterContribution[] {
  const byKey = new Map<string, CounterContribution>();
  const apply = (list: readonly CounterContribution[], sign: 1 | -1) => {
    for (const c of list) {
      const key = contributionKey(c);
      let entry = byKey.get(key);
      if (!entry) {
        entry = { scope: c.scope, id: c.id, day: c.day, values: {} };
        byKey.set(key, entry);
      }
      for (const [name, n] of Object.entries(c.values) as [CounterName, number][]) {
        entry.values[name] = (entry.values[name] ?? 0) + sign * n;
      }
    }
  };
  apply(before, -1);
  apply(after, 1);
  const out: CounterContribution[] = [];
  for (const entry of byKey.values()) {
    const values = Object.fromEntries(
      Object.entries(entry.values).filter(([, n]) => Math.abs(n) > 1e-9),
    ) as CounterValues;
    if (Object.keys(values).length > 0) out.push({ ...entry, values });
  }
  return out.sort((a, b) => (contributionKey(a) < contributionKey(b) ? -1 : 1));
}

/** The part of a stored contact the outcome rules read. */
export interface ContactView {
  campaignId: string;
  phoneKey: string;
  zone: string;
  state: ContactState;
  attemptsByClass?: Record<string, number> | undefined;
  dialing?: { attempt: number } | undefined;
  /** The attempt whose outcome last set the contact's state, and the retry class it counted. */
  outcomeAttempt?: number | undefined;
  outcomeClass?: string | undefined;
  dueAt?: string | undefined;
  /** Start times of the contact's recent attempts, as the dialer keeps them: a callback time's caps are checked on them. */
  recentAttempts?: readonly string[] | undefined;
  callback?: { at: string; agentId?: string | undefined } | undefined;
  /** What the pending retry was computed from (docs/retries.md). */
  retryBasis?: RetryBasis | undefined;
  /** Screen-pop data for the call-start answer; never logged. */
  attributes?: { name?: string | undefined; company?: string | undefined } | undefined;
}

/** True when the contact already is where `change` would put it, so there is nothing to write. */
export function contactMatches(contact: ContactView, change: ContactChange): boolean {
  return (
    contact.state === change.state &&
    contact.outcomeAttempt === change.attempt &&
    contact.outcomeClass === change.outcomeClass &&
    contact.dueAt === change.dueAt &&
    contact.callback?.at === change.callback?.at &&
    contact.callback?.agentId === change.callback?.agentId &&
    canonical(contact.retryBasis ?? null) === canonical(change.retryBasis ?? null) &&
    canonical(contact.attemptsByClass ?? {}) === canonical(change.attemptsByClass)
  );
}

/** The contact's next state after attempt `attempt`, as the adapter writes it (due keys derived from it). */
export interface ContactChange {
  attempt: number;
  state: ContactState;
  dueAt?: string;
  priority?: number;
  callback?: { at: string; agentId?: string };
  reason?: string;
  attemptsByClass: Record<string, number>;
  outcomeClass?: RetryClass;
  /** Set with a retry of a not-reached outcome: the dispatcher recomputes the due time from it when it fires. */
  retryBasis?: RetryBasis;
}

/** States an outcome may have set; only from these (or `dialing`) may an outcome of the same attempt move a contact. */
const OUTCOME_STATES: ReadonlySet<ContactState> = new Set([
  'retryWait',
  'callback',
  'doneSuccess',
  'doneRefused',
  'invalid',
  'exhausted',
]);

/**
 * Whether attempt `attempt` may still decide the contact's state: the contact is dialing it, or its state was set by
 * it and the dispatcher has not taken the contact further since. DNC is never left, and a later attempt is never
 * overwritten by an earlier one, so late and repeated inputs cannot move a contact backwards.
 */
export function ownsContact(contact: ContactView, attempt: number): boolean {
  if (contact.state === 'dialing') return contact.dialing?.attempt === attempt;
  return contact.dialing === undefined && contact.outcomeAttempt === attempt && OUTCOME_STATES.has(contact.state);
}

/** Priorities of the due index (docs/data-model.md). */
const PRIORITY = { callback: 1, retry: 4 } as const;
/** A reached person whose disposition does not end the contact is called again no sooner than a day later. */
export const REACHED_FOLLOW_UP_MINUTES = 24 * 60;

/**
 * The contact state attempt `attempt` leads to, or undefined when its outcome is not known yet (or the contact is
 * not the attempt's to move: see {@link ownsContact}). Pure: the same facts give the same change.
 */
export function planContactChange(
  contact: ContactView,
  attempt: number,
  o: AttemptOutcome,
  campaign: Campaign,
  facts: AttemptFacts,
): ContactChange | undefined {
  if (!ownsContact(contact, attempt)) return undefined;
  const base = { ...(contact.attemptsByClass ?? {}) };
  if (contact.outcomeAttempt === attempt && contact.outcomeClass && (base[contact.outcomeClass] ?? 0) > 0) {
    base[contact.outcomeClass] = (base[contact.outcomeClass] ?? 0) - 1;
  }
  const caps = campaign.frequencyCaps;
  const anchor = o.endedAt ?? o.startedAt;
  const zone = contact.zone || campaign.callingRules.timeZone;
  const done = (state: ContactState, reason?: string): ContactChange => ({
    attempt,
    state,
    attemptsByClass: base,
    ...(reason ? { reason } : {}),
  });
  const waitUntil = (candidate: Date, kind: 'retry' | 'callback', extra: Partial<ContactChange>): ContactChange => {
    const exhausted = (reason: string): ContactChange => ({
      ...done('exhausted'),
      ...extra,
      state: 'exhausted',
      reason,
    });
    if (attempt >= caps.maxAttemptsTotal) return exhausted('maximum attempts reached');
    // An agreed callback time was checked against the window, the caps and the attempts left when the agent gave it
    // (checkCallback): it is kept as is, never moved. Only a default follow-up time is moved into the window.
    const agreed = kind === 'callback' && facts.disposition?.callbackAt !== undefined;
    const at = agreed ? candidate : moveIntoWindow(campaign.callingRules, candidate, zone);
    if (!at || at.getTime() > Date.parse(campaign.deadline))
      return exhausted('no calling time left before the deadline');
    const state: ContactState = kind === 'callback' ? 'callback' : 'retryWait';
    return { ...done(state), ...extra, state, dueAt: at.toISOString(), priority: PRIORITY[kind] };
  };
  const d = o.disposition;
  if (d) {
    if (d.doNotCall) return done('dnc', d.complaint ? 'complaint' : 'do-not-call request');
    const followUp = new Date(
      Date.parse(anchor ?? facts.disposition?.at ?? campaign.deadline) + minutes(REACHED_FOLLOW_UP_MINUTES),
    );
    if (d.callback) {
      const agreed = facts.disposition?.callbackAt ? new Date(facts.disposition.callbackAt) : followUp;
      const agentId = o.agentId;
      return waitUntil(agreed, 'callback', {
        reason: d.code,
        callback: { at: agreed.toISOString(), ...(agentId ? { agentId } : {}) },
      });
    }
    if (d.final) return done(d.success ? 'doneSuccess' : 'doneRefused', d.code);
    return waitUntil(followUp, 'retry', { reason: d.code });
  }
  if (!o.system || !anchor) return undefined;
  if (o.system === 'reached') {
    // The agent's disposition normally follows; until it does, only the final record lets the contact go on.
    if (!facts.ctr) return undefined;
    return waitUntil(new Date(Date.parse(anchor) + minutes(REACHED_FOLLOW_UP_MINUTES)), 'retry', {
      reason: 'reached, no disposition',
    });
  }
  if (o.system === 'invalid') return done('invalid', 'invalid number');
  const cls = retryClassOf(o.system);
  if (!cls) return undefined;
  const byClass = { ...base, [cls]: (base[cls] ?? 0) + 1 };
  const withClass = { attemptsByClass: byClass, outcomeClass: cls };
  const basis: RetryBasis = { retryClass: cls, from: anchor, attemptsInClass: byClass[cls] ?? 0 };
  // The outcome's time stands in for the attempt's start in the caps: the minimum gap then runs from the outcome, as
  // the contact view read here does not carry the dialer's attempt history (the dispatcher checks the caps again).
  const next = nextAttempt(campaign, { zone, attempts: attempt, recentAttempts: [anchor] }, basis);
  if (next.kind === 'exhausted') return { ...done('exhausted', next.reason), ...withClass };
  return {
    ...done('retryWait', o.system),
    ...withClass,
    dueAt: next.dueAt.toISOString(),
    priority: PRIORITY.retry,
    retryBasis: basis,
  };
}

const minutes = (n: number) => n * 60_000;
