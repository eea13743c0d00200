import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventPublisher } from '#shared/ports/event-publisher';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH_SIZE = 10;

/** EventBridge accepted some entries of a batch but not all; the message names the failure codes, not the data. */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  /** Error code of each failed entry, e.g. `ThrottlingException`, `InternalFailure`. */
  readonly failureCodes: string[];
  constructor(message: string, failureCodes: string[]) {
    super(message);
    this.failureCodes = failureCodes;
  }
}

export interface EventBridgePublisherConfig {
  client: EventBridgeClient;
  /** Name or ARN of the bus the events go to. */
  busName: string;
}

/**
 * Publishes domain events to one EventBridge bus in batches of 10. A partial failure throws after the remaining
 * batches were still tried; entries that were accepted are then published again by the caller's retry, which the
 * `EventPublisher` contract allows (consumers are idempotent).
 */
export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #busName: string;

  constructor(config: EventBridgePublisherConfig) {
    this.#client = config.client;
    this.#busName = config.busName;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const failureCodes: string[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_BATCH_SIZE) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + PUT_EVENTS_BATCH_SIZE).map((e) => ({
        EventBusName: this.#busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
      }));
      const result = await this.#client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        for (const entry of result.Entries ?? []) {
          if (entry.ErrorCode) failureCodes.push(entry.ErrorCode);
        }
      }
    }
    if (failureCodes.length > 0) {
      const counts = new Map<string, number>();
      for (const code of failureCodes) counts.set(code, (counts.get(code) ?? 0) + 1);
      const summary = [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
      throw new EventPublishError(
        `${failureCodes.length} of ${events.length} events were not accepted by ${this.#busName}: ${summary}`,
        failureCodes,
      );
    }
  }
}
