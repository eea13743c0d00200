import type { AttemptFacts, DispositionFacts } from '#shared/domain/outcomes/facts';

/**
 * Whether a disposition comes from someone other than the agent the call was connected to (docs/security.md). The
 * agent is what Amazon Connect itself reported (contact record or contact events); the disposition's agent is
 * `$.Agent.ARN` in the disconnect flow. A disposition that names no agent is refused once the call's agent is known;
 * while no agent is known yet (events are unordered) it is accepted, and the contact record settles it later.
 */
export function dispositionFromAnotherAgent(stored: AttemptFacts, disposition: DispositionFacts | undefined): boolean {
  if (disposition === undefined) return false;
  const connected = stored.ctr?.agentId ?? stored.events?.agentId;
  if (connected === undefined) return false;
  return disposition.agentId !== connected;
}
