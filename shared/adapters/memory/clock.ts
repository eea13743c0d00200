import type { Clock } from '#shared/ports/clock';

/** A clock that moves only when told to, so tests never depend on wall-clock time. */
export class ManualClock implements Clock {
  #now: Date;

  constructor(start: Date | string = '2026-03-02T01:00:00.000Z') {
    this.#now = new Date(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(at: Date | string): void {
    this.#now = new Date(at);
  }

  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}
