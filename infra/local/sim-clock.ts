import type { Clock } from '#shared/ports/clock';

/**
 * The local stack's clock: simulated time, handed to every use case as its `clock` dependency. It moves only when the
 * stack's scheduler advances it, so a simulated working day can run in seconds (or in real time, one minute a minute).
 */
export class SimClock implements Clock {
  #now: number;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** Moves to `at`; never backwards. */
  set(at: Date): void {
    this.#now = Math.max(this.#now, at.getTime());
  }

  advanceMinutes(minutes: number): void {
    this.#now += minutes * 60_000;
  }
}
