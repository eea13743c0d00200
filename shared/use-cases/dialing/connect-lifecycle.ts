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

export type ConnectSyncResult =
  | { ok: true; connectCampaignId: string | undefined }
  | {
      ok: false;
      error: ConnectCallError;
      /** Set when a Connect campaign was created before the failure: keep its id so a retry does not create another. */
      connectCampaignId: string | undefined;
    };

/**
 * Brings the Amazon Connect campaign in line with a lifecycle action, before outcall records the new state: the
 * Connect campaign is created from the `connect` settings on first run unless `connect.connectCampaignId` names an
 * existing one; running means Running whatever it was (Initialized or Stopped → start, Paused → resume). A Connect
 * error is returned, not thrown, so the caller can refuse the transition and leave the outcall state as it was.
 */
export async function syncConnect(
  connect: ConnectCampaigns,
  campaign: Campaign,
  action: CampaignAction,
): Promise<ConnectSyncResult> {
  const step = CONNECT_STEP[action];
  let id = campaign.connect.connectCampaignId;
  try {
    if (step === 'none') return { ok: true, connectCampaignId: id };
    if (id === undefined) {
      // Nothing to pause or stop in Connect before it was ever started.
      if (step !== 'run') return { ok: true, connectCampaignId: id };
      id = await connect.createCampaign(campaign);
    }
    const state = await connect.getState(id);
    if (step === 'run') {
      if (state === 'Paused') await connect.resume(id);
      else if (state !== 'Running') await connect.start(id);
    } else if (step === 'pause') {
      if (state === 'Running') await connect.pause(id);
    } else if (state === 'Running' || state === 'Paused' || state === 'Initialized') {
      await connect.stop(id);
    }
    return { ok: true, connectCampaignId: id };
  } catch (error) {
    const e =
      error instanceof ConnectCallError
        ? error
        : new ConnectCallError((error as { name?: string }).name ?? 'Error', 'Amazon Connect could not be reached');
    return { ok: false, error: e, connectCampaignId: id };
  }
}
