import type { SentMarkers } from '#shared/ports/agent-store';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { EventPublisher } from '#shared/ports/event-publisher';
import type { Mailer } from '#shared/ports/mailer';
import type { OrderStore } from '#shared/ports/order-store';

/** What the order use cases need; the handlers build the AWS adapters, the tests in-memory ones. */
export interface OrderDeps {
  orders: OrderStore;
  campaigns: Pick<CampaignRepository, 'get'>;
  mailer: Mailer;
  /** Send-once markers (`SENT#ORDERFORM#<campaignId>#<orderId>` / `<store address>`). */
  markers: SentMarkers;
  events: EventPublisher;
  clock: Clock;
  /** Reads and conditional writes tried before a contended order gives up (409). Default 5. */
  maxTries?: number;
}

/** What recording fulfilment and reading orders need: no mail goes out from there. */
export type FulfilmentDeps = Pick<OrderDeps, 'orders' | 'campaigns' | 'events' | 'clock' | 'maxTries'>;
