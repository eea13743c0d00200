/** A domain event outcall emits on its EventBridge bus. `detailType` is PascalCase, e.g. "CampaignTransitioned". */
export interface DomainEvent<T = unknown> {
  source: string;
  detailType: string;
  detail: T;
}

export interface EventPublisher {
  /** Publishes all events or throws; callers are idempotent, so a retry after a partial failure is safe. */
  publish(events: readonly DomainEvent[]): Promise<void>;
}
