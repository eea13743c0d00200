import { randomUUID } from 'node:crypto';
import type { DomainEvent, EventPublisher } from '#shared/ports/event-publisher';

/** An event as an EventBridge rule hands it to its target. */
export interface BusEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

interface Delivery {
  rule: BusRule;
  envelope: BusEnvelope;
  attempts: number;
}

/** One rule of the local bus: a pattern and its target, as in the CDK constructs. */
export interface BusRule {
  name: string;
  matches(event: DomainEvent): boolean;
  target(envelope: BusEnvelope): Promise<unknown>;
}

/**
 * The outcall bus stand-in. `publish` only queues, as EventBridge delivers asynchronously; `drain` hands every queued
 * event to the targets of the rules it matches, including events those targets publish in turn. A target that throws
 * is retried on the next drain, up to `maxAttempts`, then counted as dead-lettered.
 */
export class LocalEventBus implements EventPublisher {
  readonly rules: BusRule[] = [];
  /** Every event published, by detail type. */
  readonly published = new Map<string, number>();
  /** Events whose target failed `maxAttempts` times: the rule's DLQ. */
  readonly deadLetters: { rule: string; envelope: BusEnvelope; error: string }[] = [];
  readonly #queue: Delivery[] = [];
  readonly #now: () => Date;
  readonly #maxAttempts: number;

  constructor(now: () => Date, maxAttempts = 3) {
    this.#now = now;
    this.#maxAttempts = maxAttempts;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      this.published.set(event.detailType, (this.published.get(event.detailType) ?? 0) + 1);
      const envelope: BusEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': event.detailType,
        source: event.source,
        account: '000000000000',
        time: this.#now().toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: event.detail,
      };
      for (const rule of this.rules) if (rule.matches(event)) this.#queue.push({ rule, envelope, attempts: 0 });
    }
  }

  /** Delivers until the queue is empty (or only failing deliveries wait). Returns how many were delivered. */
  async drain(): Promise<number> {
    let delivered = 0;
    let guard = 0;
    while (this.#queue.length > 0 && guard++ < 10_000) {
      const item = this.#queue.shift() as Delivery;
      try {
        await item.rule.target(item.envelope);
        delivered++;
      } catch (error) {
        item.attempts++;
        if (item.attempts >= this.#maxAttempts) {
          this.deadLetters.push({ rule: item.rule.name, envelope: item.envelope, error: String(error) });
        } else {
          this.#queue.push(item);
          // Retried on a later drain, as Lambda's async retries come later.
          if (this.#queue.every((q) => q.attempts > 0)) break;
        }
      }
    }
    return delivered;
  }
}
