import type { SentMarker } from '#shared/ports/agent-store';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { EventPublisher } from '#shared/ports/event-publisher';
import type { Mailer } from '#shared/ports/mailer';
import type { OrderStore } from '#shared/ports/order-store';

/**
 * Send-once markers whose claim tells a marker confirmed sent from one another run holds unconfirmed ('busy'): the
 * latter's sender may have died mid-send, so its event must be retried, not acknowledged as sent. Same items as the
 * agents' `SentMarkers`, whose boolean claim cannot tell the two apart.
 */
export interface OrderFormMarkers {
  /** 'claimed' when this caller now owns the marker (new, or an unconfirmed claim older than `staleBefore`). */
  claim(marker: SentMarker, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'>;
  confirm(marker: SentMarker, at: Date): Promise<void>;
  /** Drops an unconfirmed claim after a failed send, so the retry need not wait for it to go stale. */
  release(marker: SentMarker): Promise<void>;
}

/** What the order use cases need; the handlers build the AWS adapters, the tests in-memory ones. */
export interface OrderDeps {
  orders: OrderStore;
  campaigns: Pick<CampaignRepository, 'get'>;
  mailer: Mailer;
  /** Send-once markers of the order forms (`SENT#ORDERFORM#<campaignId>#<orderId>` / `<store address>`). */
  markers: OrderFormMarkers;
  events: EventPublisher;
  clock: Clock;
  /** Reads and conditional writes tried before a contended order gives up (409). Default 5. */
  maxTries?: number;
}

/** What recording fulfilment and reading orders need: no mail goes out from there. */
export type FulfilmentDeps = Pick<OrderDeps, 'orders' | 'campaigns' | 'events' | 'clock' | 'maxTries'>;
