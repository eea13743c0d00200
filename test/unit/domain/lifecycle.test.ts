import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATES, type CampaignState } from '#shared/domain/campaign';
import {
  allowedActions,
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  decideTransition,
  releasesDialingHold,
} from '#shared/domain/lifecycle';

/** The lifecycle of DOMAIN.md §2, written out by hand so the test does not restate the implementation. */
const ALLOWED: Record<CampaignState, Partial<Record<CampaignAction, CampaignState>>> = {
  draft: { startPilot: 'pilot' },
  // `resume` of a dialing campaign keeps its state: the planner's "dial again" after a dialing hold.
  pilot: { endPilot: 'review', pause: 'paused', resume: 'pilot' },
  review: { repilot: 'pilot', launch: 'active', complete: 'completed' },
  active: { pause: 'paused', resume: 'active', complete: 'completed' },
  paused: { resume: 'active', complete: 'completed' },
  completed: { evaluate: 'evaluated' },
  evaluated: {},
};

const pairs = CAMPAIGN_STATES.flatMap((state) => CAMPAIGN_ACTIONS.map((action) => ({ state, action })));

describe('decideTransition without skipPilot', () => {
  it.each(pairs)('$state × $action', ({ state, action }) => {
    const expected = ALLOWED[state][action];
    const decision = decideTransition(state, action);
    if (expected) {
      expect(decision).toEqual({ ok: true, to: expected, pilotSkipped: false });
    } else {
      expect(decision.ok).toBe(false);
      if (decision.ok) return;
      expect(decision.allowed).toEqual(Object.keys(ALLOWED[state]));
      expect(decision.reason).toContain(state);
    }
  });
});

describe('decideTransition with skipPilot', () => {
  it.each(pairs)('$state × $action', ({ state, action }) => {
    const skipping = state === 'draft' && action === 'launch';
    const expected = skipping ? 'active' : ALLOWED[state][action];
    const decision = decideTransition(state, action, { skipPilot: true });
    if (expected) {
      expect(decision).toEqual({ ok: true, to: expected, pilotSkipped: skipping });
    } else {
      expect(decision.ok).toBe(false);
    }
  });
});

describe('resuming a paused campaign', () => {
  it('returns to the state it was paused from: a pilot stays a pilot, anything else becomes active', () => {
    expect(decideTransition('paused', 'resume', { pausedFrom: 'pilot' })).toEqual({
      ok: true,
      to: 'pilot',
      pilotSkipped: false,
    });
    expect(decideTransition('paused', 'resume', { pausedFrom: 'active' })).toMatchObject({ ok: true, to: 'active' });
    expect(decideTransition('paused', 'resume')).toMatchObject({ ok: true, to: 'active' });
    // pausedFrom only matters to resume.
    expect(decideTransition('paused', 'complete', { pausedFrom: 'pilot' })).toMatchObject({ to: 'completed' });
  });
});

describe('lifecycle guidance', () => {
  it('tells a planner launching a draft how to skip the pilot on purpose', () => {
    const decision = decideTransition('draft', 'launch');
    expect(decision).toMatchObject({ ok: false, allowed: ['startPilot'] });
    expect(decision.ok ? '' : decision.reason).toContain('"skipPilot": true');
  });

  it('lists the allowed actions of every state, launch from draft only with skipPilot', () => {
    for (const state of CAMPAIGN_STATES) {
      expect(allowedActions(state)).toEqual(Object.keys(ALLOWED[state]));
    }
    expect(allowedActions('draft', { skipPilot: true })).toEqual(['startPilot', 'launch']);
  });

  it('lets nothing leave the evaluated state', () => {
    expect(CAMPAIGN_ACTIONS.some((a) => decideTransition('evaluated', a, { skipPilot: true }).ok)).toBe(false);
  });
});

describe('releasing the dialing hold', () => {
  it('is done by exactly the transitions that leave the campaign dialing', () => {
    const releasing = pairs
      .map(({ state, action }) => ({ state, action, decision: decideTransition(state, action, { skipPilot: true }) }))
      .filter(({ decision }) => decision.ok && releasesDialingHold(decision.to))
      .map(({ state, action }) => `${state}:${action}`);
    expect(releasing.sort()).toEqual(
      [
        'draft:startPilot',
        'draft:launch',
        'review:repilot',
        'review:launch',
        'paused:resume',
        'active:resume',
        'pilot:resume',
      ].sort(),
    );
  });
});
