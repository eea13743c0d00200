import type { CampaignState } from '#shared/domain/campaign';

/**
 * Campaign lifecycle (DOMAIN.md §2): draft → pilot → review → active ⇄ paused → completed → evaluated.
 * A planner may re-run a pilot after tuning (review → pilot) and may launch straight from draft only by saying so
 * (`skipPilot`), which is recorded on the campaign.
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
  resume: [{ from: ['paused'], to: 'active' }],
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

export function decideTransition(
  state: CampaignState,
  action: CampaignAction,
  options: { skipPilot?: boolean } = {},
): TransitionDecision {
  const edge = EDGES[action].find(
    (e) => e.from.includes(state) && (!e.requiresSkipPilot || options.skipPilot === true),
  );
  if (edge) return { ok: true, to: edge.to, pilotSkipped: edge.requiresSkipPilot === true };
  const needsSkip = EDGES[action].some((e) => e.from.includes(state) && e.requiresSkipPilot);
  const reason = needsSkip
    ? `a ${state} campaign launches only after a reviewed pilot; to launch without one, set "skipPilot": true`
    : `a ${state} campaign cannot ${action}`;
  return { ok: false, reason, allowed: allowedActions(state) };
}

/** States in which the dialer may place calls; calling rules are frozen in them. */
export const DIALING_STATES: readonly CampaignState[] = ['pilot', 'active'];

/** States after which nothing about a campaign may change except evaluation. */
export const FINISHED_STATES: readonly CampaignState[] = ['completed', 'evaluated'];
