/**
 * Throttled AWS answers seen by this process since the last {@link takeThrottles}: the SDK clients' middleware
 * (shared/adapters/aws/throttle-counter.ts) and the use cases that see throttling in an answer (a Connect dial request)
 * add to it; {@link withMetrics} empties it into the `Throttles` metric once per invocation. A Lambda container runs
 * one invocation at a time, so what it holds belongs to the invocation that flushes it.
 */
let seen = 0;

/** Adds `n` throttled answers. */
export function noteThrottles(n = 1): void {
  seen += n;
}

/** What was seen since the last call, and starts again from zero. */
export function takeThrottles(): number {
  const n = seen;
  seen = 0;
  return n;
}
