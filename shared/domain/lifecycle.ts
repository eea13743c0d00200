import type { CampaignState } from '#shared/domain/campaign';

/**
 * Campaign lifecycle (DOMAIN.md §2): draft → pilot → review → active ⇄ paused → completed → evaluated.
 * A planner may re-run a pilot after tuning (review → pilot) and may launch straight from draft only by saying so
 * (`skipPilot`), which is recorded on the campaign. `resume` of a campaign that is already dialing (pilot or active)
 * keeps its state: it is the planner's "dial again" once the cause of a dialing hold is fixed (see
 * {@link releasesDialingHold}), and repeating it is harmless. A paused campaign resumes to the state it was paused
 * from (pilot or active).
 */
export const CAMPAIGN_ACTIONS = [
  'startPilot',
  'endPilot',
  'repilot',
  'launch',
  'pause',
  'resume',
  'complete',
  'evaluate',
] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

interface Edge {
  from: readonly CampaignState[];
  to: CampaignState;
  /** Only allowed when the caller explicitly asks for it. */
  requiresSkipPilot?: boolean;
}

const EDGES: Record<CampaignAction, readonly Edge[]> = {
  startPilot: [{ from: ['draft'], to: 'pilot' }],
  endPilot: [{ from: ['pilot'], to: 'review' }],
  repilot: [{ from: ['review'], to: 'pilot' }],
  launch: [
    { from: ['review'], to: 'active' },
    { from: ['draft'], to: 'active', requiresSkipPilot: true },
  ],
  pause: [{ from: ['active', 'pilot'], to: 'paused' }],
  resume: [
    { from: ['paused'], to: 'active' },
    { from: ['pilot'], to: 'pilot' },
    { from: ['active'], to: 'active' },
  ],
  complete: [{ from: ['active', 'paused', 'review'], to: 'completed' }],
  evaluate: [{ from: ['completed'], to: 'evaluated' }],
};

export type TransitionDecision =
  | { ok: true; to: CampaignState; pilotSkipped: boolean }
  | { ok: false; reason: string; allowed: CampaignAction[] };

/** Actions the state allows (with `skipPilot`, launch from draft is among them). */
export function allowedActions(state: CampaignState, options: { skipPilot?: boolean } = {}): CampaignAction[] {
  return CAMPAIGN_ACTIONS.filter((action) =>
    EDGES[action].some((e) => e.from.includes(state) && (!e.requiresSkipPilot || options.skipPilot === true)),
  );
}

/**
 * What `action` does to a campaign in `state`. `pausedFrom` is the state a paused campaign was paused from: resuming a
 * paused pilot returns it to pilot, so pausing can never be a way round the pilot's review.
 */
export function decideTransition(
  state: CampaignState,
  action: CampaignAction,
  options: { skipPilot?: boolean; pausedFrom?: 'pilot' | 'active' | undefined } = {},
): TransitionDecision {
  const edge = EDGES[action].find(
    (e) => e.from.includes(state) && (!e.requiresSkipPilot || options.skipPilot === true),
  );
  if (edge) {
    const to = action === 'resume' && state === 'paused' && options.pausedFrom === 'pilot' ? 'pilot' : edge.to;
    return { ok: true, to, pilotSkipped: edge.requiresSkipPilot === true };
  }
  const needsSkip = EDGES[action].some((e) => e.from.includes(state) && e.requiresSkipPilot);
  const reason = needsSkip
    ? `a ${state} campaign launches only after a reviewed pilot; to launch without one, set "skipPilot": true`
    : `a ${state} campaign cannot ${action}`;
  return { ok: false, reason, allowed: allowedActions(state) };
}

/** States in which the dialer may place calls; calling rules are frozen in them. */
export const DIALING_STATES: readonly CampaignState[] = ['pilot', 'active'];

/**
 * Whether a transition to `to` releases the dialer's hold on the campaign (the Amazon Connect error that held it and
 * the streak of transient Connect failures it was sitting out). Every action that leaves the campaign dialing
 * (startPilot, repilot, launch, resume) is a planner saying "dial", made after the Connect campaign was brought to
 * Running: the next tick dials, and if Connect still refuses, the dispatcher holds the campaign again with the fresh
 * error. Pausing or completing leaves the hold as it was, so the diagnostics still tell why it stopped.
 */
export function releasesDialingHold(to: CampaignState): boolean {
  return DIALING_STATES.includes(to);
}

/** States after which nothing about a campaign may change except evaluation. */
export const FINISHED_STATES: readonly CampaignState[] = ['completed', 'evaluated'];
