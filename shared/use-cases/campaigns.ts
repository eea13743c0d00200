import { isDeepStrictEqual } from 'node:util';
import {
  CALLING_RULE_FIELDS,
  type Campaign,
  type CampaignSpec,
  type CampaignState,
  campaignIdSchema,
  campaignSpecSchema,
} from '#shared/domain/campaign';
import {
  ConflictError,
  issuesFrom,
  NotFoundError,
  TransitionRefusedError,
  ValidationError,
} from '#shared/domain/errors';
import {
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  DIALING_STATES,
  decideTransition,
  FINISHED_STATES,
  releasesDialingHold,
} from '#shared/domain/lifecycle';
import type { CampaignPage, CampaignRepository, TransitionRecord } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { ConnectCampaigns } from '#shared/ports/connect-campaigns';
import type { DomainEvent, EventPublisher } from '#shared/ports/event-publisher';
import {
  CONNECT_STEP,
  connectCampaignIdOf,
  connectCreationClaim,
  connectCreationClaimedAt,
  createConnectCampaign,
  syncConnect,
} from '#shared/use-cases/dialing/connect-lifecycle';

/** Who asks for a change; `id` is recorded on the campaign and its transitions. */
export interface Actor {
  id: string;
  roles: string[];
}

export interface CampaignDeps {
  repository: CampaignRepository;
  events: EventPublisher;
  clock: Clock;
  /** Id generator; defaults to `c-` + 20 random base32 characters. */
  newId?: () => string;
  /**
   * Amazon Connect outbound campaigns: when given, lifecycle actions start, pause, resume and stop the campaign's
   * Connect campaign first (creating it on first start). Absent: outcall state only.
   */
  connect?: ConnectCampaigns;
}

/** `source` of every event the campaign use cases emit. */
export const CAMPAIGN_EVENT_SOURCE = 'outcall.campaigns';

/** Detail of `CampaignCreated` and `CampaignUpdated`; no planner e-mail or other personal data leaves in an event. */
export interface CampaignChangedDetail {
  campaignId: string;
  state: CampaignState;
  revision: number;
  actor: string;
  at: string;
  /** Top-level spec fields that changed (`CampaignUpdated` only). */
  changedFields?: string[];
}

/** Default and maximum page size of `listCampaigns`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const MAX_REASON_LENGTH = 1000;
/**
 * After this long a claim to create the Connect campaign (`connectCreationClaim`) is taken to be of a request that
 * died: well over the 30 s an API function may run, so a live creation is never overtaken.
 */
export const CONNECT_CREATION_STALE_MS = 2 * 60_000;
/** Writes that must land whatever else changed meanwhile (a recorded Connect id, a completion) try this often. */
const SAVE_ON_LATEST_ATTEMPTS = 5;
const SPEC_FIELDS = Object.keys(campaignSpecSchema.shape) as (keyof CampaignSpec)[];
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `c-` + 20 base32 characters (100 random bits): ids need no coordination between Lambdas. */
export function newCampaignId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let id = 'c-';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

/** Validates a planner's spec and stores it as a new `draft` campaign at revision 1. */
export async function createCampaign(deps: CampaignDeps, input: unknown, actor: Actor): Promise<Campaign> {
  const parsed = campaignSpecSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('the campaign is invalid', issuesFrom(parsed.error.issues));
  if (connectCreationClaimedAt(parsed.data.connect.connectCampaignId) !== undefined) {
    const message = 'must be the id of an existing Amazon Connect campaign';
    throw new ValidationError(`connect.connectCampaignId ${message}`, [{ path: 'connect.connectCampaignId', message }]);
  }
  const id = (deps.newId ?? newCampaignId)();
  if (!campaignIdSchema.safeParse(id).success) throw new Error('the id generator produced an invalid campaign id');
  const now = deps.clock.now().toISOString();
  const campaign: Campaign = {
    ...parsed.data,
    // A new campaign's script is its first version whatever the caller wrote.
    script: { ...parsed.data.script, version: 1 },
    id,
    state: 'draft',
    pilotSkipped: false,
    revision: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.id,
  };
  await deps.repository.create(campaign);
  await deps.events.publish([changedEvent('CampaignCreated', campaign, actor, now)]);
  return campaign;
}

/** @throws NotFoundError when no campaign has this id (a malformed id included). */
export async function getCampaign(deps: CampaignDeps, id: string): Promise<Campaign> {
  // A malformed id cannot exist; refusing it here keeps arbitrary strings out of the key space.
  const campaign = campaignIdSchema.safeParse(id).success ? await deps.repository.get(id) : undefined;
  if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
  return campaign;
}

/** One page of campaigns, optionally of one state; `limit` defaults to 50 and may be at most 100. */
export async function listCampaigns(
  deps: CampaignDeps,
  filter: { state?: CampaignState; limit?: number; cursor?: string },
): Promise<CampaignPage> {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, [
      { path: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
  return deps.repository.list({ ...filter, limit });
}

/**
 * Applies a partial spec: each top-level field given replaces the stored one, and the merged result must be a valid
 * spec. A change of `script.text` bumps `script.version`; the caller cannot set the version. A patch that changes
 * nothing returns the campaign as stored, without a new revision or event. `connect.connectCampaignId` is kept as
 * stored whatever `connect` the patch gives (outcall owns it once the campaign exists).
 *
 * @param expectedRevision the revision the caller read (HTTP `If-Match`); `undefined` means "whatever is stored now",
 *   which is still protected against concurrent writers by the repository's revision check.
 * @throws ValidationError when the patch names another `connect.connectCampaignId` than the stored one.
 * @throws ConflictError on a stale revision, on any change to a finished campaign, and on a change of calling rules
 *   while the campaign dials.
 */
export async function updateCampaign(
  deps: CampaignDeps,
  id: string,
  patch: unknown,
  expectedRevision: number | undefined,
  actor: Actor,
): Promise<Campaign> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ValidationError('the patch must be an object of campaign fields');
  }
  const unknownFields = Object.keys(patch).filter((k) => !(SPEC_FIELDS as string[]).includes(k));
  if (unknownFields.length > 0) {
    throw new ValidationError(
      `these fields cannot be changed with an update: ${unknownFields.join(', ')}`,
      unknownFields.map((path) => ({ path, message: 'not a campaign field that can be updated' })),
    );
  }
  const current = await getCampaign(deps, id);
  if (expectedRevision !== undefined && expectedRevision !== current.revision) {
    throw new ConflictError(
      `campaign ${id} is at revision ${current.revision}, not ${expectedRevision}; reload it and apply the change again`,
    );
  }
  if (FINISHED_STATES.includes(current.state)) {
    throw new ConflictError(`a ${current.state} campaign cannot be changed`);
  }

  const parsed = campaignSpecSchema.safeParse({ ...pickSpec(current), ...patch });
  if (!parsed.success) throw new ValidationError('the updated campaign is invalid', issuesFrom(parsed.error.issues));
  // The Connect campaign id is outcall's record of what it created (or was given at creation), not a setting: `connect`
  // is replaced whole, and a campaign file that never had the id would detach the campaign, so the next start would
  // create a second Connect campaign. An update keeps the stored id; naming another one is refused.
  const askedConnectId = parsed.data.connect.connectCampaignId;
  const storedConnectId = current.connect.connectCampaignId;
  if (askedConnectId !== undefined && askedConnectId !== storedConnectId) {
    const message = 'is set by outcall when it creates the Amazon Connect campaign and cannot be changed';
    throw new ValidationError(`connect.connectCampaignId ${message}`, [{ path: 'connect.connectCampaignId', message }]);
  }
  const { connectCampaignId: _asked, ...connectSettings } = parsed.data.connect;
  const textChanged = parsed.data.script.text !== current.script.text;
  const spec: CampaignSpec = {
    ...parsed.data,
    connect:
      storedConnectId === undefined ? connectSettings : { ...connectSettings, connectCampaignId: storedConnectId },
    script: { ...parsed.data.script, version: current.script.version + (textChanged ? 1 : 0) },
  };

  const changedFields = SPEC_FIELDS.filter((f) => !isDeepStrictEqual(spec[f], current[f]));
  if (changedFields.length === 0) return current;
  const frozen = changedFields.filter((f) => (CALLING_RULE_FIELDS as readonly string[]).includes(f));
  if (frozen.length > 0 && DIALING_STATES.includes(current.state)) {
    throw new ConflictError(
      `${frozen.join(', ')} cannot change while the campaign is ${current.state}; pause the campaign first`,
    );
  }

  const now = deps.clock.now().toISOString();
  const next: Campaign = { ...current, ...spec, revision: current.revision + 1, updatedAt: now };
  await deps.repository.save(next, current.revision);
  await deps.events.publish([changedEvent('CampaignUpdated', next, actor, now, changedFields)]);
  return next;
}

/**
 * Moves a campaign through its lifecycle (see `decideTransition`) and records who did it.
 *
 * The state change and its record are written in one transaction, and only then is `CampaignTransitioned`
 * published. If publishing fails, the change is stored but the caller gets an error (at-least-once, not exactly-once:
 * there is no outbox). The caller's retry then finds the campaign already in the target state with this very
 * action as its last transition by the same actor, and re-publishes that transition instead of refusing — so a
 * retry heals the gap, and consumers must tolerate the duplicate event this can produce. `resume` is the exception:
 * a dialing campaign accepts it, so its retry is recorded and published as a second resume (active → active). Two
 * concurrent requests cannot both transition: the second save fails the revision check (`ConflictError`; a second
 * `complete` is refused on the completed campaign instead, see below).
 *
 * With Amazon Connect, the action is applied there first. The first start creates the Connect campaign once (see
 * `createAndRecordConnectCampaign`: a second concurrent start is refused, and an id once created is never lost).
 * `complete` stops the Connect campaign, which cannot be undone, so a completion whose save loses the race to another
 * write is applied again to the campaign as now stored, as long as that still allows it.
 *
 * An action that leaves the campaign dialing (startPilot, repilot, launch, resume) also clears the dialer's hold in
 * that transaction — the Amazon Connect error that held it and its streak of transient Connect failures — so a
 * planner who fixed the cause resumes the campaign (pause → resume, or resume while it is active) and the next tick
 * dials. If Connect still refuses, the dispatcher holds it again with the fresh error.
 *
 * @throws ValidationError for an unknown action, TransitionRefusedError when the state does not allow it.
 */
export async function transitionCampaign(
  deps: CampaignDeps,
  id: string,
  action: string,
  actor: Actor,
  options: { reason?: string; skipPilot?: boolean } = {},
): Promise<{ campaign: Campaign; transition: TransitionRecord }> {
  if (!isCampaignAction(action)) {
    const message = `unknown action "${action}"; valid actions are ${CAMPAIGN_ACTIONS.join(', ')}`;
    throw new ValidationError(message, [{ path: 'action', message }]);
  }
  if (options.reason !== undefined && options.reason.length > MAX_REASON_LENGTH) {
    const message = `a reason is at most ${MAX_REASON_LENGTH} characters`;
    throw new ValidationError(message, [{ path: 'reason', message }]);
  }
  let current = await getCampaign(deps, id);
  const decision = decideTransition(current.state, action, {
    skipPilot: options.skipPilot === true,
    pausedFrom: current.pausedFrom,
  });

  if (!decision.ok) return republishOrRefuse(deps, current, action, actor, decision);

  // Connect first: a Connect error refuses the transition and leaves the outcall state as it was (never half-switched).
  if (deps.connect) {
    if (CONNECT_STEP[action] === 'run' && connectCampaignIdOf(current) === undefined) {
      current = await createAndRecordConnectCampaign(deps, deps.connect, current);
    }
    const synced = await syncConnect(deps.connect, current, action);
    if (!synced.ok) {
      throw new ConflictError(
        `the campaign stays ${current.state}: ${synced.error.message.slice(0, 300)}; fix it in Amazon Connect and try again`,
      );
    }
  }

  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now().toISOString();
    const transition: TransitionRecord = {
      campaignId: id,
      action,
      from: current.state,
      to: decision.to,
      actor: actor.id,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      at: now,
    };
    const { pausedFrom: _wasPausedFrom, ...rest } = current;
    const next: Campaign = {
      ...rest,
      ...(decision.to === 'paused' && (current.state === 'pilot' || current.state === 'active')
        ? { pausedFrom: current.state }
        : {}),
      state: decision.to,
      pilotSkipped: current.pilotSkipped || decision.pilotSkipped,
      revision: current.revision + 1,
      updatedAt: now,
    };
    try {
      // A planner's "dial" releases the dialer's hold in the same transaction: the next tick dials again.
      await deps.repository.save(next, current.revision, transition, {
        releaseDialingHold: releasesDialingHold(decision.to),
      });
    } catch (error) {
      // A stopped Connect campaign cannot be taken back: a completion that lost the race to another write is applied
      // to what is stored now, if that still allows it, rather than leave outcall dialing a stopped Connect campaign.
      if (!(error instanceof ConflictError) || CONNECT_STEP[action] !== 'stop' || !deps.connect) throw error;
      if (attempt >= SAVE_ON_LATEST_ATTEMPTS) throw error;
      current = await getCampaign(deps, id);
      const again = decideTransition(current.state, action, {
        skipPilot: options.skipPilot === true,
        pausedFrom: current.pausedFrom,
      });
      if (!again.ok) return republishOrRefuse(deps, current, action, actor, again);
      if (again.to !== decision.to) throw error;
      continue;
    }
    await deps.events.publish([transitionedEvent(transition)]);
    return { campaign: next, transition };
  }
}

/** A refused action that is the caller's retry of the last transition re-publishes it (see `transitionCampaign`). */
async function republishOrRefuse(
  deps: CampaignDeps,
  current: Campaign,
  action: CampaignAction,
  actor: Actor,
  decision: { reason: string; allowed: readonly CampaignAction[] },
): Promise<{ campaign: Campaign; transition: TransitionRecord }> {
  const transitions = await deps.repository.listTransitions(current.id);
  const last = transitions.at(-1);
  if (last && last.action === action && last.to === current.state && last.actor === actor.id) {
    await deps.events.publish([transitionedEvent(last)]);
    return { campaign: current, transition: last };
  }
  throw new TransitionRefusedError(decision.reason, current.state, decision.allowed);
}

/**
 * Creates the campaign's Amazon Connect campaign exactly once, and returns the campaign as stored with its id.
 *
 * Connect gives no way to make a repeated CreateCampaign harmless, so the creation is claimed on the stored campaign
 * first (`connectCreationClaim` in `connect.connectCampaignId`, under the revision check): of two concurrent starts
 * only one claims, and a start while the claim is fresh is refused. The created id then replaces the claim whatever
 * else changed meanwhile (a planner's edit must not lose it, or the retry would create a second Connect campaign). If
 * something did change, the transition is refused (`ConflictError`) with the id kept, and nothing is started in
 * Connect: the retry uses it. A claim older than `CONNECT_CREATION_STALE_MS` is of a request that died and is taken
 * over; if that request had created a Connect campaign before dying, that one is left unused.
 */
async function createAndRecordConnectCampaign(
  deps: CampaignDeps,
  connect: ConnectCampaigns,
  current: Campaign,
): Promise<Campaign> {
  const now = deps.clock.now();
  const claimedAt = connectCreationClaimedAt(current.connect.connectCampaignId);
  if (claimedAt !== undefined && now.getTime() - claimedAt.getTime() < CONNECT_CREATION_STALE_MS) {
    throw new ConflictError(
      `the Amazon Connect campaign of campaign ${current.id} is being created by another request; try again in a minute`,
    );
  }
  const claim = connectCreationClaim(now);
  const claimed: Campaign = {
    ...current,
    connect: { ...current.connect, connectCampaignId: claim },
    revision: current.revision + 1,
    updatedAt: now.toISOString(),
  };
  await deps.repository.save(claimed, current.revision);

  const { connectCampaignId: _claim, ...settings } = claimed.connect;
  const created = await createConnectCampaign(connect, { ...claimed, connect: settings });
  if (!created.ok) {
    // Nothing was created: drop the claim so that the retry need not wait for it to go stale.
    await saveOnLatest(deps, claimed, (latest) => {
      if (latest.connect.connectCampaignId !== claim) return undefined;
      const { connectCampaignId: _mine, ...rest } = latest.connect;
      return { ...latest, connect: rest };
    }).catch(() => undefined);
    throw new ConflictError(
      `the campaign stays ${current.state}: ${created.error.message.slice(0, 300)}; fix it in Amazon Connect and try again`,
    );
  }
  const connectCampaignId = created.connectCampaignId;
  const recorded = await saveOnLatest(deps, claimed, (latest) => {
    if (latest.connect.connectCampaignId !== claim) {
      // Only a start that took over this claim as stale can have replaced it; its Connect campaign is the one kept.
      throw new ConflictError(`campaign ${current.id} got another Amazon Connect campaign meanwhile; try again`);
    }
    return { ...latest, connect: { ...latest.connect, connectCampaignId } };
  });
  if (recorded === undefined || recorded.revision !== claimed.revision + 1) {
    throw new ConflictError(
      `campaign ${current.id} was changed while its Amazon Connect campaign was created (the Connect campaign is kept); reload it and try again`,
    );
  }
  return recorded;
}

/**
 * Saves `change(latest)` as the next revision, re-reading and re-applying it when another write came first. `change`
 * returns undefined when there is nothing (left) to write.
 */
async function saveOnLatest(
  deps: CampaignDeps,
  known: Campaign,
  change: (latest: Campaign) => Campaign | undefined,
): Promise<Campaign | undefined> {
  let latest = known;
  for (let attempt = 1; ; attempt++) {
    const changed = change(latest);
    if (changed === undefined) return undefined;
    const next: Campaign = {
      ...changed,
      revision: latest.revision + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    try {
      await deps.repository.save(next, latest.revision);
      return next;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= SAVE_ON_LATEST_ATTEMPTS) throw error;
      latest = await getCampaign(deps, known.id);
    }
  }
}

/** The campaign's transitions, oldest first. @throws NotFoundError */
export async function listTransitions(deps: CampaignDeps, id: string): Promise<TransitionRecord[]> {
  await getCampaign(deps, id);
  return deps.repository.listTransitions(id);
}

function isCampaignAction(action: string): action is CampaignAction {
  return (CAMPAIGN_ACTIONS as readonly string[]).includes(action);
}

function pickSpec(campaign: Campaign): Record<string, unknown> {
  return Object.fromEntries(SPEC_FIELDS.map((f) => [f, campaign[f]]));
}

function changedEvent(
  detailType: 'CampaignCreated' | 'CampaignUpdated',
  campaign: Campaign,
  actor: Actor,
  at: string,
  changedFields?: string[],
): DomainEvent<CampaignChangedDetail> {
  return {
    source: CAMPAIGN_EVENT_SOURCE,
    detailType,
    detail: {
      campaignId: campaign.id,
      state: campaign.state,
      revision: campaign.revision,
      actor: actor.id,
      at,
      ...(changedFields ? { changedFields } : {}),
    },
  };
}

function transitionedEvent(transition: TransitionRecord): DomainEvent<TransitionRecord> {
  return { source: CAMPAIGN_EVENT_SOURCE, detailType: 'CampaignTransitioned', detail: transition };
}
