import { randomUUID } from 'node:crypto';
import { attemptRef, DUE_PRIORITIES, DUE_SHARDS } from '#shared/adapters/dynamodb/keys';
import { isOpenAt } from '#shared/domain/calling-window';
import type { Campaign, CampaignState } from '#shared/domain/campaign';
import {
  type CampaignHoldReason,
  type ContactHoldReason,
  campaignHold,
  decideContact,
} from '#shared/domain/dialing/eligibility';
import { appendAttempt } from '#shared/domain/dialing/frequency-caps';
import { DIAL_BATCH_SIZE, dialBatches, dialBudget } from '#shared/domain/dialing/pacing';
import { DIALING_STATES } from '#shared/domain/lifecycle';
import { nextAttempt } from '#shared/domain/retries/next-attempt';
import {
  ConnectCallError,
  ConnectThrottledError,
  ConnectUnavailableError,
  type DialRequest,
} from '#shared/ports/connect-campaigns';
import type {
  ConnectRetry,
  ContactMove,
  DialingContact,
  DialMark,
  DialUnmark,
  DueRef,
  MarkedBatch,
  StatsDelta,
} from '#shared/ports/contact-dialing';
import { connectCampaignIdOf } from '#shared/use-cases/dialing/connect-lifecycle';
import { DEFAULT_DIAL_SETTINGS, type DialingDeps, type DialSettings, silentLog } from '#shared/use-cases/dialing/deps';
import { rekeyRetries } from '#shared/use-cases/dialing/retry-rekey';

/** Priorities a tick serves, best first: callbacks, new mobiles, new fixed lines, retries. */
export const SERVED_PRIORITIES = [1, 2, 3, 4] as const;

/** What one tick did for one campaign. */
export interface CampaignTickReport {
  campaignId: string;
  /**
   * Why the campaign placed nothing at all, if so: a campaign hold reason (`heldByConnectError` when Connect refused
   * its dials, `connectUnavailableBackoff` while it sits out a streak of transient Connect failures).
   */
  hold?: CampaignHoldReason;
  budget: number;
  selected: number;
  dialed: number;
  invalid: number;
  /** Requests that go again later (throttled, unknown, no permit). */
  requeued: number;
  /** Requests Amazon Connect throttled, the whole call or one by one (a part of `requeued`). */
  throttled: number;
  held: Partial<Record<ContactHoldReason, number>>;
  /**
   * An active campaign, inside its calling window in one of its zones, with contacts due now, placed no dial: it
   * stands still (the IdleActiveCampaigns metric). A campaign held because its Connect campaign is not running can be
   * idle; one outside its window, past its deadline or in pilot is not. A tick that failed says nothing of contacts
   * due, so an active campaign whose tick failed inside its window counts as idle too.
   */
  idle: boolean;
  /**
   * Another tick of this campaign was still running (an invocation retried, a schedule delivered twice): this one did
   * nothing, so the two cannot both spend the pacing budget or the pilot's room.
   */
  skipped?: 'anotherTickRunning';
  /** The tick for this campaign threw (the error's name); the next tick tries again. */
  failed?: string;
  /**
   * Amazon Connect failed in a way that passes (5xx, timeout) on this tick's send: the error's name, the failures in a
   * row, since when, and whether the streak is old enough to be reported to the operators.
   */
  connectUnavailable?: { code: string; failures: number; since: string; escalated: boolean };
}

/** Holds that leave an active campaign with due contacts standing still (IdleActiveCampaigns). */
const CONNECT_HOLDS: readonly CampaignHoldReason[] = [
  'connectNotRunning',
  'heldByConnectError',
  'connectUnavailableBackoff',
];

/** One dispatcher run: every pilot and active campaign, each within its pacing budget; a failed one is reported. */
export async function dispatchTick(deps: DialingDeps): Promise<CampaignTickReport[]> {
  const reports: CampaignTickReport[] = [];
  for (const state of DIALING_STATES) {
    for (const campaign of await campaignsIn(deps, state)) {
      try {
        reports.push(await dispatchCampaign(deps, campaign));
      } catch (error) {
        // One campaign's failure must not starve the others; it is retried on the next tick.
        const name = error instanceof Error ? error.name : 'Error';
        (deps.log ?? silentLog).warn('dispatch failed for a campaign', { campaignId: campaign.id, error: name });
        const now = deps.clock.now();
        reports.push({
          ...emptyReport(campaign.id),
          failed: name,
          // Whether contacts were due is unknown; a campaign failing every tick inside its window stands still.
          idle: campaign.state === 'active' && isOpenAt(campaign.callingRules, now, campaign.callingRules.timeZone),
        });
      }
    }
  }
  return reports;
}

function emptyReport(campaignId: string): CampaignTickReport {
  return {
    campaignId,
    budget: 0,
    selected: 0,
    dialed: 0,
    invalid: 0,
    requeued: 0,
    throttled: 0,
    held: {},
    idle: false,
  };
}

async function campaignsIn(deps: DialingDeps, state: CampaignState): Promise<Campaign[]> {
  const out: Campaign[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.campaigns.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/**
 * One tick for one campaign: select due contacts best first within the budget (only zones whose window is open),
 * re-read them with their DNC standing, decide each, mark the dialable ones `dialing` in batches of 25 (one dial
 * batch: the marks, then their count) and send each batch once a rate-limit permit is in hand, then close it with
 * Connect's answer. Nothing is lost on the way: a contact whose request was not placed for sure goes back to the
 * index with its attempt number unchanged, so its next send carries the same client token.
 */
export async function dispatchCampaign(deps: DialingDeps, campaign: Campaign): Promise<CampaignTickReport> {
  const now = deps.clock.now();
  const owner = randomUUID();
  const until = new Date(now.getTime() + TICK_CLAIM_MS).toISOString();
  if (!(await deps.store.claimTick(campaign.id, owner, now.toISOString(), until))) {
    return { ...emptyReport(campaign.id), skipped: 'anotherTickRunning' };
  }
  try {
    return await dispatchClaimed(deps, campaign);
  } finally {
    await deps.store.releaseTick(campaign.id, owner);
  }
}

/**
 * How long a tick's claim on its campaign holds: past the dispatcher's timeout (55 s), so a tick that runs long is
 * never overlapped, and one that died is taken over by the tick a minute later.
 */
export const TICK_CLAIM_MS = 60_000;

async function dispatchClaimed(deps: DialingDeps, campaign: Campaign): Promise<CampaignTickReport> {
  const settings: DialSettings = { ...DEFAULT_DIAL_SETTINGS, ...deps.settings };
  const log = deps.log ?? silentLog;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const report = emptyReport(campaign.id);
  const stats = await deps.store.stats(campaign.id);
  // A creation claim (`creating:…`) is not a Connect campaign: nothing is sent until the real id replaces it.
  const connectId = connectCampaignIdOf(campaign);
  // A Connect error holds the campaign until a planner resumes it; a transient failure not long ago makes it sit out
  // the backoff instead of sending into the failure again.
  const hold = campaignHold(
    campaign,
    {
      pilotDialed: stats.pilotDials,
      connectRunning: connectId !== undefined,
      connectError: stats.connectError,
      connectRetry: stats.connectRetry,
    },
    now,
  );
  if (!hold.ok || connectId === undefined) {
    report.hold = hold.ok ? 'connectNotRunning' : hold.reason;
    // Held on Connect, an active campaign stands still: one due contact in an open zone says so.
    if (CONNECT_HOLDS.includes(report.hold) && campaign.state === 'active') {
      report.idle = (await selectDue(deps, campaign, now, 1)).length > 0;
    }
    return report;
  }
  report.budget = dialBudget(campaign, stats.pilotDials);
  // Retry rules can only have changed while the campaign was held: bring forward what the new rules allow earlier.
  await rekeyRetries(deps, campaign, stats);

  const refs = await selectDue(deps, campaign, now, report.budget);
  report.selected = refs.length;
  const loaded = await deps.store.load(refs, nowIso);

  const marks: DialMark[] = [];
  const holds: { ref: DueRef; from: { dueSk: string }; to: ContactMove }[] = [];
  for (const candidate of loaded) {
    const recomputed = recomputeRetry(campaign, candidate, now);
    if (recomputed) {
      report.held.waitingForRetry = (report.held.waitingForRetry ?? 0) + 1;
      holds.push({ ref: candidate.ref, from: { dueSk: candidate.ref.dueSk }, to: recomputed });
      continue;
    }
    const decision = decideContact(campaign, candidate, now);
    if (decision.dialable) {
      marks.push(markFor(campaign, candidate, decision, now, settings));
      continue;
    }
    report.held[decision.reason] = (report.held[decision.reason] ?? 0) + 1;
    const move = holdMove(candidate, decision);
    if (move) holds.push({ ref: candidate.ref, from: { dueSk: candidate.ref.dueSk }, to: move });
  }
  if (holds.length > 0) {
    // The final ones moved apart, so that only those that did move are counted (one whose index entry moved since it
    // was selected, by an outcome or a DNC request of another campaign, fails its condition).
    const finalAs = (state: string) => holds.filter((h) => h.to.kind === 'final' && h.to.state === state);
    const dncs = finalAs('dnc');
    const exhausted = finalAs('exhausted');
    const others = holds.filter((h) => !dncs.includes(h) && !exhausted.includes(h));
    const [dnc, ended] = await Promise.all([
      dncs.length > 0 ? deps.store.move(dncs, nowIso) : 0,
      exhausted.length > 0 ? deps.store.move(exhausted, nowIso) : 0,
      others.length > 0 ? deps.store.move(others, nowIso) : 0,
    ]);
    if (dnc + ended > 0) await deps.store.addStats(campaign.id, { dnc, exhausted: ended });
  }

  const pilot = campaign.state === 'pilot';
  const batches = dialBatches(marks, DIAL_BATCH_SIZE);
  // The streak of transient Connect failures as this tick leaves it: an answered call ends it, a failure extends it.
  let streak = stats.connectRetry;
  let unavailable = false;
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b] as DialMark[];
    const marked = await deps.store.markDialing(campaign.id, batch, { pilot }, nowIso);
    if (marked.marks.length === 0) continue;
    const sent = await sendBatch(deps, campaign, connectId, marked, settings, now, pilot);
    report.dialed += sent.dialed;
    report.invalid += sent.invalid;
    report.requeued += sent.requeued;
    report.throttled += sent.throttled;
    if (sent.answered) streak = undefined;
    if (sent.unavailable !== undefined) {
      streak = nextStreak(streak, sent.unavailable, now, settings);
      unavailable = true;
    }
    if (sent.stop) {
      // The rest was never marked: it stays due in the index for the next tick.
      log.warn('dispatch stopped early', {
        campaignId: campaign.id,
        reason: sent.stop,
        unsentBatches: batches.length - b - 1,
      });
      break;
    }
  }
  if (streak !== stats.connectRetry) await deps.store.setConnectRetry(campaign.id, streak);
  if (unavailable && streak) {
    const escalated = now.getTime() - Date.parse(streak.since) >= settings.connectAlarmMinutes * 60_000;
    report.connectUnavailable = { code: streak.code, failures: streak.failures, since: streak.since, escalated };
    // Campaign id and error name only. The idle-campaign alarm follows; this line says why, ahead of it.
    if (escalated) {
      log.warn('Amazon Connect keeps failing for the campaign', {
        campaignId: campaign.id,
        error: streak.code,
        failures: streak.failures,
        since: streak.since,
      });
    }
  }
  // Contacts were selected only from zones whose window is open: due contacts inside the window, none dialed.
  report.idle = campaign.state === 'active' && report.selected > 0 && report.dialed === 0;
  log.info('dispatch tick', { ...report });
  return report;
}

/**
 * One more transient failure: the campaign sits out `connectBackoffMinutes`, doubled with each failure in a row up to
 * `connectBackoffMaxMinutes`. Short, so a blip costs a tick or two; capped, so a long outage is probed every few
 * minutes and dialing resumes soon after it ends.
 */
export function nextStreak(
  streak: ConnectRetry | undefined,
  code: string,
  now: Date,
  settings: Pick<DialSettings, 'connectBackoffMinutes' | 'connectBackoffMaxMinutes'>,
): ConnectRetry {
  const failures = (streak?.failures ?? 0) + 1;
  const minutes = Math.min(settings.connectBackoffMinutes * 2 ** (failures - 1), settings.connectBackoffMaxMinutes);
  return {
    code,
    failures,
    since: streak?.since ?? now.toISOString(),
    retryAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
  };
}

async function selectDue(deps: DialingDeps, campaign: Campaign, now: Date, budget: number): Promise<DueRef[]> {
  if (budget <= 0) return [];
  const zones = new Set([campaign.callingRules.timeZone, ...(await deps.store.campaignZones(campaign.id))]);
  const open = [...zones].filter((zone) => isOpenAt(campaign.callingRules, now, zone));
  const refs: DueRef[] = [];
  const nowIso = now.toISOString();
  for (const priority of SERVED_PRIORITIES) {
    for (const zone of open) {
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        const remaining = budget - refs.length;
        if (remaining <= 0) return refs;
        refs.push(...(await deps.store.queryDue(campaign.id, zone, shard, priority, nowIso, remaining)));
      }
    }
  }
  return refs;
}

/**
 * A retry fires under the retry rules in force now, not those of when it was placed (they may have changed while the
 * campaign was paused): recomputed from its basis, a retry that is not due yet goes back to the index at its new
 * time, and one the rules no longer allow ends exhausted. Undefined when the retry may go ahead.
 */
function recomputeRetry(campaign: Campaign, candidate: DialingContact, now: Date): ContactMove | undefined {
  const { contact, ref, retryBasis } = candidate;
  if (retryBasis === undefined || contact.state !== 'retryWait' || ref.priority !== DUE_PRIORITIES.retry) {
    return undefined;
  }
  const next = nextAttempt(campaign, contact, retryBasis);
  if (next.kind === 'exhausted') return { kind: 'final', state: 'exhausted', reason: next.reason };
  if (next.dueAt.getTime() <= now.getTime()) return undefined;
  return {
    kind: 'due',
    priority: ref.priority,
    dueAt: next.dueAt.toISOString(),
    state: contact.state,
    attempts: contact.attempts,
    recentAttempts: contact.recentAttempts,
  };
}

function markFor(
  campaign: Campaign,
  candidate: DialingContact,
  decision: { attempt: number; closesAt: Date },
  now: Date,
  settings: DialSettings,
): DialMark {
  // Never past the end of the customer's calling window (or the deadline): Connect may hold a request until it
  // expires, and the window is checked here, once, when the request is sent.
  const expiresAt = new Date(
    Math.min(now.getTime() + settings.requestTtlMinutes * 60_000, decision.closesAt.getTime()),
  );
  return {
    ref: candidate.ref,
    contact: candidate.contact,
    attempt: decision.attempt,
    requestedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    deadline: new Date(expiresAt.getTime() + settings.outcomeGraceMinutes * 60_000).toISOString(),
    recentAttempts: appendAttempt(candidate.contact.recentAttempts, now.toISOString(), campaign.frequencyCaps),
  };
}

function holdMove(
  candidate: DialingContact,
  decision: Extract<ReturnType<typeof decideContact>, { dialable: false }>,
): ContactMove | undefined {
  const { contact, ref } = candidate;
  if (decision.reason === 'inFlight') return undefined;
  if (decision.reason === 'final') return { kind: 'final', state: contact.state, reason: contact.reason ?? 'final' };
  if (decision.reason === 'doNotCall')
    return { kind: 'final', state: 'dnc', reason: 'the number is on the do-not-call list' };
  if (decision.final || decision.nextEligibleAt === undefined) {
    return {
      kind: 'final',
      state: 'exhausted',
      reason: decision.final ? 'no attempts left' : 'no calling time is left before the deadline',
    };
  }
  // Pushed down the index to when it may next be dialed, so it does not block the head of the queue every tick.
  return {
    kind: 'due',
    priority: ref.priority,
    dueAt: decision.nextEligibleAt.toISOString(),
    state: contact.state,
    attempts: contact.attempts,
    recentAttempts: contact.recentAttempts,
  };
}

/** Connect-safe attribute values: what the flow and the agent need to greet the customer and file the outcome. */
export function dialAttributes(campaign: Campaign, mark: DialMark): Record<string, string> {
  const a = mark.contact.attributes;
  return {
    outcallCampaignId: campaign.id,
    phoneKey: mark.ref.phoneKey,
    attempt: String(mark.attempt),
    attemptRef: attemptRef(campaign.id, mark.ref.phoneKey, mark.attempt),
    scriptVersion: String(campaign.script.version),
    ...(a.name !== undefined ? { customerName: a.name } : {}),
    ...(a.company !== undefined ? { company: a.company } : {}),
    // A callback goes to the agent who agreed it when possible; the flow falls back to the team queue (docs/retries.md).
    ...(mark.contact.callback?.agentId !== undefined ? { preferredAgentId: mark.contact.callback.agentId } : {}),
  };
}

function requestOf(campaign: Campaign, mark: DialMark): DialRequest {
  return {
    clientToken: attemptRef(campaign.id, mark.ref.phoneKey, mark.attempt),
    phoneNumber: mark.contact.e164,
    expiresAt: new Date(mark.expiresAt),
    attributes: dialAttributes(campaign, mark),
    sourcePhoneNumber: campaign.connect.sourcePhoneNumber,
    answerMachineDetection: campaign.connect.answerMachineDetection,
    ringTimeoutSeconds: campaign.connect.ringTimeoutSeconds,
  };
}

/** Puts a marked contact back where it was, attempt number unchanged: its next send reuses the same client token. */
export function revertMove(mark: DialMark, dueAt: string): DialUnmark['to'] {
  return {
    kind: 'due',
    priority: mark.ref.priority,
    dueAt,
    state: mark.contact.state,
    attempts: mark.contact.attempts,
    recentAttempts: mark.contact.recentAttempts,
  };
}

interface SentBatch {
  dialed: number;
  invalid: number;
  requeued: number;
  throttled: number;
  /** Connect answered the call (whatever it said of each request). */
  answered: boolean;
  /** The call failed in a way that passes: the error's name. */
  unavailable?: string;
  stop?: string;
}

async function sendBatch(
  deps: DialingDeps,
  campaign: Campaign,
  connectId: string,
  batch: MarkedBatch,
  settings: DialSettings,
  now: Date,
  pilot: boolean,
): Promise<SentBatch> {
  const nowIso = now.toISOString();
  const marked = batch.marks;
  const later = new Date(now.getTime() + settings.resendAfterMinutes * 60_000).toISOString();
  // Back to where they were, attempt unchanged, and off `dials` (and `pilotDials`: their batch was counted) in the
  // same transaction: a crash cannot leave them requeued but still counted, and the resend's batch counts them again.
  const requeue = (marks: DialMark[], stats: StatsDelta = {}) =>
    deps.store.unmarkDialing(
      campaign.id,
      marks.map(
        (m): DialUnmark => ({
          ref: m.ref,
          attempt: m.attempt,
          batch: batch.batchId,
          counted: true,
          pilot,
          to: revertMove(m, later),
        }),
      ),
      nowIso,
      stats,
    );
  // Connect was not reached or did not answer: once the marks are undone, the batch closes with nothing accepted.
  const requeueAll = async (stats: StatsDelta = {}) => {
    const requeued = await requeue(marked, stats);
    await deps.store.closeBatch(campaign.id, batch, undefined, nowIso);
    return requeued;
  };
  const none = { dialed: 0, invalid: 0, throttled: 0, answered: false };

  if (!(await deps.limiter.acquire(settings.permitWaitMs))) {
    return { ...none, requeued: await requeueAll(), stop: 'no rate-limit permit' };
  }
  let results: Awaited<ReturnType<DialingDeps['connect']['putDialRequests']>>;
  try {
    results = await deps.connect.putDialRequests(
      connectId,
      marked.map((m) => requestOf(campaign, m)),
    );
  } catch (error) {
    if (error instanceof ConnectThrottledError) {
      const requeued = await requeueAll({ throttled: marked.length, lastThrottledAt: nowIso });
      return { ...none, requeued, throttled: marked.length, stop: 'throttled by Amazon Connect' };
    }
    if (error instanceof ConnectUnavailableError) {
      // The call may have landed: the resend carries the same tokens, so Connect answers it without a second call.
      const requeued = await requeueAll();
      return { ...none, requeued, unavailable: error.code, stop: `Amazon Connect unavailable ${error.code}` };
    }
    const requeued = await requeueAll();
    const code = error instanceof ConnectCallError ? error.code : ((error as { name?: string }).name ?? 'Error');
    // Validation, access, a Connect campaign gone or not running: waiting does not cure it. Hold the campaign
    // (heldByConnectError) and say why: the diagnostics report shows the error. A planner's resume releases it.
    await deps.store.setConnectError(campaign.id, {
      action: 'PutOutboundRequestBatch',
      code,
      message: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300),
      at: nowIso,
    });
    return { ...none, requeued, stop: `Amazon Connect error ${code}` };
  }

  const byToken = new Map(results.map((r) => [r.clientToken, r]));
  const accepted: DialMark[] = [];
  const invalid: { ref: DueRef; from: { attempt: number }; to: ContactMove }[] = [];
  const again: DialMark[] = [];
  let throttled = 0;
  for (const mark of marked) {
    const result = byToken.get(attemptRef(campaign.id, mark.ref.phoneKey, mark.attempt));
    if (result?.outcome === 'accepted') accepted.push(mark);
    else if (result?.outcome === 'invalid') {
      invalid.push({
        ref: mark.ref,
        from: { attempt: mark.attempt },
        to: { kind: 'final', state: 'invalid', reason: result.reason },
      });
    } else {
      if (result?.outcome === 'throttled') throttled++;
      again.push(mark);
    }
  }
  // One write for the whole batch records what Connect accepted (the reconciler's proof that those dials were
  // placed). The rest is still marked and counted until moved below; were the process to die first, the reconciler
  // would find them unconfirmed and resend the same tokens, which Connect answers again without a second call.
  await deps.store.closeBatch(campaign.id, batch, { accepted }, nowIso);
  if (invalid.length > 0) {
    await deps.store.move(invalid, nowIso);
    await deps.store.addStats(campaign.id, { invalid: invalid.length });
  }
  const requeued =
    again.length > 0 ? await requeue(again, throttled > 0 ? { throttled, lastThrottledAt: nowIso } : {}) : 0;
  return { dialed: accepted.length, invalid: invalid.length, requeued, throttled, answered: true };
}
