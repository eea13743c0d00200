import type { Campaign } from '#shared/domain/campaign';
import type { CampaignAction } from '#shared/domain/lifecycle';
import { ConnectCallError, type ConnectCampaigns } from '#shared/ports/connect-campaigns';

/** What a lifecycle action asks of the Amazon Connect campaign. */
export type ConnectStep = 'run' | 'pause' | 'stop' | 'none';

/** Start (or resume) when dialing begins, pause when it halts for a while, stop when the campaign completes. */
export const CONNECT_STEP: Record<CampaignAction, ConnectStep> = {
  startPilot: 'run',
  repilot: 'run',
  launch: 'run',
  resume: 'run',
  endPilot: 'pause',
  pause: 'pause',
  complete: 'stop',
  evaluate: 'none',
};

const CLAIM_PREFIX = 'creating:';

/**
 * What `connect.connectCampaignId` holds while a start creates the Connect campaign: a claim with its time, so that
 * a second start is refused instead of creating a second Connect campaign. It lives in the id itself because that is
 * the one field every write of the campaign keeps (an update keeps the stored id); no Connect id has this form.
 */
export function connectCreationClaim(at: Date): string {
  return `${CLAIM_PREFIX}${at.toISOString()}`;
}

/** When the claim in `connectCampaignId` was made, or undefined when it holds an id or nothing. */
export function connectCreationClaimedAt(connectCampaignId: string | undefined): Date | undefined {
  if (connectCampaignId === undefined || !connectCampaignId.startsWith(CLAIM_PREFIX)) return undefined;
  const at = new Date(connectCampaignId.slice(CLAIM_PREFIX.length));
  // A malformed claim counts as made long ago: it can only be taken over.
  return Number.isNaN(at.getTime()) ? new Date(0) : at;
}

/** The Connect campaign's id, if one was created or given (not a claim). */
export function connectCampaignIdOf(campaign: Campaign): string | undefined {
  const id = campaign.connect.connectCampaignId;
  return connectCreationClaimedAt(id) === undefined ? id : undefined;
}

export type ConnectSyncResult = { ok: true } | { ok: false; error: ConnectCallError };

export type ConnectCreateResult = { ok: true; connectCampaignId: string } | { ok: false; error: ConnectCallError };

/**
 * Creates the Amazon Connect campaign from the campaign's `connect` settings and calling rules. Connect knows nothing
 * that would make a second call harmless (no client token, and the name `outcall-<id>` may be refused as a
 * duplicate), so the caller must make sure it runs once per outcall campaign: `transitionCampaign` claims the creation
 * on the stored campaign first (`connectCreationClaim`) and records the id before anything else. A Connect error is returned, not thrown.
 */
export async function createConnectCampaign(
  connect: ConnectCampaigns,
  campaign: Campaign,
): Promise<ConnectCreateResult> {
  try {
    return { ok: true, connectCampaignId: await connect.createCampaign(campaign) };
  } catch (error) {
    return { ok: false, error: asConnectCallError(error) };
  }
}

/**
 * Brings the Amazon Connect campaign named by `connect.connectCampaignId` in line with a lifecycle action, before
 * outcall records the new state: running means Running whatever it was (Initialized or Stopped → start, Paused →
 * resume). It never creates one (see `createConnectCampaign`): a `run` without an id is refused; a pause or stop
 * without one has nothing to do, since nothing was ever started in Connect. A Connect error is returned, not thrown,
 * so the caller can refuse the transition and leave the outcall state as it was.
 */
export async function syncConnect(
  connect: ConnectCampaigns,
  campaign: Campaign,
  action: CampaignAction,
): Promise<ConnectSyncResult> {
  const step = CONNECT_STEP[action];
  const id = connectCampaignIdOf(campaign);
  if (step === 'none') return { ok: true };
  if (id === undefined) {
    if (step !== 'run') return { ok: true };
    return { ok: false, error: new ConnectCallError('NoConnectCampaign', 'the campaign has no Connect campaign yet') };
  }
  try {
    const state = await connect.getState(id);
    if (step === 'run') {
      if (state === 'Paused') await connect.resume(id);
      else if (state !== 'Running') await connect.start(id);
    } else if (step === 'pause') {
      if (state === 'Running') await connect.pause(id);
    } else if (state === 'Running' || state === 'Paused' || state === 'Initialized') {
      await connect.stop(id);
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, error: asConnectCallError(error) };
  }
}

function asConnectCallError(error: unknown): ConnectCallError {
  return error instanceof ConnectCallError
    ? error
    : new ConnectCallError((error as { name?: string }).name ?? 'Error', 'Amazon Connect could not be reached');
}
