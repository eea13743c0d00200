import type { DomainEvent, EventPublisher } from '#shared/ports/event-publisher';

/** Collects published events for assertions; `failNext(n)` makes the next n publish calls throw. */
export class InMemoryEventPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  #failures = 0;

  failNext(times = 1): void {
    this.#failures = times;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new Error('event bus unavailable (simulated)');
    }
    this.published.push(...structuredClone(events));
  }

  ofType(detailType: string): DomainEvent[] {
    return this.published.filter((e) => e.detailType === detailType);
  }
}
