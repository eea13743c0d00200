import { DateTime } from 'luxon';
import { isOpenAt } from '#shared/domain/calling-window';
import type { CallingRules, Campaign, RetryClass } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';
import { FINAL_CONTACT_STATES } from '#shared/domain/contact';
import { type CapName, checkFrequencyCaps } from '#shared/domain/dialing/frequency-caps';
import { DIALING_STATES } from '#shared/domain/lifecycle';
import {
  closingOf,
  earliestAllowed,
  MIN_DIAL_WINDOW_MS,
  type NextAttempt,
  nextAttempt,
} from '#shared/domain/retries/next-attempt';

export { MIN_DIAL_WINDOW_MS };

/**
 * Dial-time rules (DOMAIN.md §4): one reason code per hold, so the dispatcher, the reconciler and the "why is nothing
 * dialing" report all speak the same vocabulary.
 */

/**
 * Reasons that hold back a whole campaign, whatever its contacts. `heldByConnectError`: Amazon Connect refused its
 * dials with an error waiting does not cure (validation, access, campaign gone or not running); it holds until a
 * planner resumes the campaign. `connectUnavailableBackoff`: Connect failed in a way that passes (5xx, timeout); the
 * campaign sits out a short backoff and dials again by itself.
 */
export const CAMPAIGN_HOLD_REASONS = [
  'campaignNotDialing',
  'deadlinePassed',
  'pilotSizeReached',
  'connectNotRunning',
  'heldByConnectError',
  'connectUnavailableBackoff',
] as const;
export type CampaignHoldReason = (typeof CAMPAIGN_HOLD_REASONS)[number];

/** Reasons that hold back one contact. */
export const CONTACT_HOLD_REASONS = [
  'waitingForRetry',
  'outsideCallingWindow',
  'restrictedPeriod',
  'frequencyCap',
  'doNotCall',
  'exhausted',
  'final',
  'inFlight',
] as const;
export type ContactHoldReason = (typeof CONTACT_HOLD_REASONS)[number];

export interface CampaignDialContext {
  /** Dials placed while the campaign was in pilot (counted by the dialing store). */
  pilotDialed: number;
  /** The Amazon Connect campaign runs (or its state is unknown and assumed running). */
  connectRunning: boolean;
  /** The error Amazon Connect refused the campaign's dials with, if it holds the campaign. */
  connectError?: { code: string; at: string } | undefined;
  /** The campaign's streak of transient Connect failures, if any: no dial before `retryAt`. */
  connectRetry?: { code: string; failures: number; since: string; retryAt: string } | undefined;
}

export type CampaignHold =
  | { ok: true }
  | {
      ok: false;
      reason: CampaignHoldReason;
      message: string;
      /** The Amazon Connect error's name (`heldByConnectError`, `connectUnavailableBackoff`). */
      error?: string;
      /** Held since (the refusal; the first failure of the streak). */
      since?: string;
      /** Held until, when the hold ends by itself (the end of the backoff). */
      until?: string;
    };

/**
 * A scheduled tick may fire a few seconds before the minute a backoff ends on; it must not sit out one more minute
 * for that.
 */
export const CONNECT_BACKOFF_SLACK_MS = 10_000;

/**
 * Whether the campaign as a whole may place a dial at `now`. Order: state, deadline, pilot size, Connect campaign,
 * Connect error, Connect backoff.
 */
export function campaignHold(campaign: Campaign, context: CampaignDialContext, now: Date): CampaignHold {
  if (!DIALING_STATES.includes(campaign.state)) {
    return { ok: false, reason: 'campaignNotDialing', message: `the campaign is ${campaign.state}` };
  }
  if (now.getTime() >= Date.parse(campaign.deadline)) {
    return { ok: false, reason: 'deadlinePassed', message: `the deadline ${campaign.deadline} has passed` };
  }
  if (campaign.state === 'pilot' && context.pilotDialed >= campaign.pilot.size) {
    return {
      ok: false,
      reason: 'pilotSizeReached',
      message: `the pilot placed ${context.pilotDialed} of ${campaign.pilot.size} dials`,
    };
  }
  if (!context.connectRunning) {
    return { ok: false, reason: 'connectNotRunning', message: 'the Amazon Connect campaign is not running' };
  }
  const refused = context.connectError;
  if (refused) {
    return {
      ok: false,
      reason: 'heldByConnectError',
      message:
        `Amazon Connect refused the dials with ${refused.code} at ${refused.at}; ` +
        'fix the cause, then resume the campaign to dial again',
      error: refused.code,
      since: refused.at,
    };
  }
  const retry = context.connectRetry;
  if (retry && Date.parse(retry.retryAt) - CONNECT_BACKOFF_SLACK_MS > now.getTime()) {
    return {
      ok: false,
      reason: 'connectUnavailableBackoff',
      message:
        `Amazon Connect failed ${retry.failures} time(s) in a row with ${retry.code} since ${retry.since}; ` +
        `dialing resumes by itself at ${retry.retryAt}`,
      error: retry.code,
      since: retry.since,
      until: retry.retryAt,
    };
  }
  return { ok: true };
}

export type ContactDecision =
  | {
      dialable: true;
      attempt: number;
      /**
       * When the contact's open calling interval ends (in its zone), or the campaign's deadline if sooner: the dial
       * request must expire by then, so Connect cannot place the call after the window has closed.
       */
      closesAt: Date;
    }
  | {
      dialable: false;
      reason: ContactHoldReason;
      /** The contact will not become dialable before this instant; absent when it never will in this campaign. */
      nextEligibleAt: Date | undefined;
      /** The contact is done: the dispatcher records the final state instead of rescheduling. */
      final: boolean;
      cap?: CapName;
    };

/** What the dispatcher knows about a contact at dial time. */
export interface DialCandidate {
  contact: Pick<Contact, 'state' | 'zone' | 'attempts' | 'recentAttempts' | 'dueAt'>;
  /** The number has an active DNC entry (re-read now, not at intake). */
  doNotCall: boolean;
}

/**
 * Decides whether one contact may be dialed at `now`, assuming the campaign itself may dial (see {@link campaignHold}).
 * Checks, in order: final or in-flight state, DNC, total attempts, due time, frequency caps, calling window (a
 * restricted day is told apart from closed hours). A held contact comes with the instant it may next be tried.
 */
export function decideContact(campaign: Campaign, candidate: DialCandidate, now: Date): ContactDecision {
  const { contact } = candidate;
  if (FINAL_CONTACT_STATES.includes(contact.state)) {
    return { dialable: false, reason: 'final', nextEligibleAt: undefined, final: true };
  }
  if (contact.state === 'dialing' || contact.state === 'queued') {
    return { dialable: false, reason: 'inFlight', nextEligibleAt: undefined, final: false };
  }
  if (candidate.doNotCall) return { dialable: false, reason: 'doNotCall', nextEligibleAt: undefined, final: true };
  if (contact.attempts >= campaign.frequencyCaps.maxAttemptsTotal) {
    return { dialable: false, reason: 'exhausted', nextEligibleAt: undefined, final: true };
  }
  const dueAt = contact.dueAt === undefined ? undefined : Date.parse(contact.dueAt);
  if (dueAt !== undefined && Number.isFinite(dueAt) && dueAt > now.getTime()) {
    return held('waitingForRetry', campaign, contact, new Date(dueAt));
  }
  const caps = checkFrequencyCaps(campaign.frequencyCaps, contact, now, contact.zone);
  if (!caps.ok) {
    if (caps.nextAt === undefined)
      return { dialable: false, reason: 'exhausted', nextEligibleAt: undefined, final: true };
    return {
      dialable: false,
      reason: 'frequencyCap',
      nextEligibleAt: nextEligibleAt(campaign, contact, caps.nextAt),
      final: false,
      cap: caps.cap,
    };
  }
  if (!isOpenAt(campaign.callingRules, now, contact.zone)) {
    const reason = isRestrictedDay(campaign.callingRules, now, contact.zone)
      ? 'restrictedPeriod'
      : 'outsideCallingWindow';
    return held(reason, campaign, contact, now);
  }
  // Open now: the interval returned is the one holding `now`.
  const closesAt = Math.min(closingOf(campaign.callingRules, now, contact.zone), Date.parse(campaign.deadline));
  // Too little of the window left for Connect to place the call: it waits for the next one rather than being sent,
  // expiring unplaced and costing the contact an attempt.
  if (closesAt - now.getTime() < MIN_DIAL_WINDOW_MS)
    return held('outsideCallingWindow', campaign, contact, new Date(closesAt));
  return { dialable: true, attempt: contact.attempts + 1, closesAt: new Date(closesAt) };
}

function held(
  reason: ContactHoldReason,
  campaign: Campaign,
  contact: DialCandidate['contact'],
  from: Date,
): ContactDecision {
  return { dialable: false, reason, nextEligibleAt: nextEligibleAt(campaign, contact, from), final: false };
}

/** Whether `instant` falls on a restricted local day (holiday) in `zone`. */
export function isRestrictedDay(rules: CallingRules, instant: Date, zone: string): boolean {
  const day = DateTime.fromJSDate(instant, { zone }).toISODate();
  if (day === null) return false;
  return rules.restrictedPeriods.some((p) => p.startDate <= day && day <= p.endDate);
}

/**
 * The earliest instant at or after `from` at which the contact passes both its frequency caps and its calling
 * window, before the campaign's deadline; `undefined` when there is none (see `earliestAllowed`, docs/retries.md).
 */
export function nextEligibleAt(
  campaign: Campaign,
  contact: Pick<Contact, 'zone' | 'attempts' | 'recentAttempts'>,
  from: Date,
): Date | undefined {
  return earliestAllowed(campaign, contact, from);
}

/** Where a waiting contact sorts in the due index: callbacks, then new mobiles, new fixed lines, then retries. */
export function duePriority(contact: Pick<Contact, 'state' | 'numberType' | 'callback'>): 1 | 2 | 3 | 4 {
  if (contact.state === 'callback' || contact.callback !== undefined) return 1;
  if (contact.state === 'new')
    return contact.numberType === 'mobile' || contact.numberType === 'fixedLineOrMobile' ? 2 : 3;
  return 4;
}

export type RetryPlacement = NextAttempt;

/**
 * Places the next attempt after one that ended in `retryClass` at `now` (e.g. `expired` when no outcome ever came
 * back); {@link nextAttempt} with the outcome at `now`.
 *
 * @param attemptsInClass attempts of this class including the one that just ended.
 */
export function placeRetry(
  campaign: Campaign,
  contact: Pick<Contact, 'zone' | 'attempts' | 'recentAttempts'>,
  retryClass: RetryClass,
  attemptsInClass: number,
  now: Date,
): RetryPlacement {
  return nextAttempt(campaign, contact, { retryClass, attemptsInClass, from: now.toISOString() });
}
