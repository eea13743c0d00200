/**
 * Billed Lambda duration from measured work, for the cost suite.
 *
 * Lambda gives a function CPU in proportion to its memory — one vCPU at 1,769 MB — so the CPU part of an invocation
 * stretches as memory shrinks, while the time spent waiting on DynamoDB does not. Node runs JavaScript on one thread,
 * so memory above one vCPU does not shorten it. Duration is billed per started millisecond, INIT included.
 */
export const ONE_VCPU_MB = 1769;

export interface InvocationWork {
  /** CPU milliseconds the invocation needs on one full vCPU. */
  cpuMs: number;
  /** Milliseconds spent waiting on other services, whatever the memory. */
  waitMs: number;
}

/** Milliseconds billed for one invocation at `memoryMb`. */
export function billedMs(work: InvocationWork, memoryMb: number): number {
  if (!(memoryMb > 0)) throw new RangeError(`memory must be positive, got ${memoryMb}`);
  if (work.cpuMs < 0 || work.waitMs < 0) throw new RangeError('work cannot be negative');
  return Math.ceil(work.cpuMs * Math.max(1, ONE_VCPU_MB / memoryMb) + work.waitMs);
}

/** GB-seconds billed for `invocations` invocations of the same work at `memoryMb`. */
export function gbSeconds(invocations: number, work: InvocationWork, memoryMb: number): number {
  return (invocations * billedMs(work, memoryMb) * (memoryMb / 1024)) / 1000;
}
