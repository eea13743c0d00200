import type { AttemptFacts, DispositionFacts } from '#shared/domain/outcomes/facts';

/**
 * Whether a disposition may be recorded for an attempt, by who the call was connected to (docs/security.md):
 * - `ok`: no disposition, or the disposition's agent is the one Amazon Connect reported for the call;
 * - `notYetConnected`: Connect has not reported the call's agent yet (events are unordered, the contact record comes
 *   after wrap-up). Nothing can prove the call is the agent's, so it is refused for now; the same disposition is
 *   accepted once the agent is known, so the agent is told to try again in a moment;
 * - `anotherAgent`: the call was connected to someone else, or the disposition names no agent once the agent is known,
 *   or the contact record (Connect's final word) says the call reached no agent at all. Trying again changes nothing.
 */
export type DispositionAgentVerdict = 'ok' | 'notYetConnected' | 'anotherAgent';

/**
 * The agent is what Amazon Connect itself reported (contact record, which outranks the contact events); the
 * disposition's agent is `$.Agent.ARN` in the disconnect flow.
 */
export function dispositionAgentVerdict(
  stored: AttemptFacts,
  disposition: DispositionFacts | undefined,
): DispositionAgentVerdict {
  if (disposition === undefined) return 'ok';
  const connected = stored.ctr?.agentId ?? stored.events?.agentId;
  if (connected === undefined) return stored.ctr === undefined ? 'notYetConnected' : 'anotherAgent';
  return disposition.agentId === connected ? 'ok' : 'anotherAgent';
}
