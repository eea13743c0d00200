import type { Contact } from '#shared/domain/contact';
import type { Counters } from '#shared/domain/counters';
import type { Order, OrderEvent } from '#shared/domain/orders/order';
import type { VisitPriority } from '#shared/domain/orders/return-visit';

/** Counter values to ADD to one counter item (`COUNTER#<scope>#<id>` / `DAY#<day>#0`). */
export interface CounterAdd {
  scope: 'CAMPAIGN' | 'AGENT';
  id: string;
  day: string;
  values: Counters;
}

/** What a transition adds besides the order and its event, all in the same atomic write. */
export interface TransitionExtras {
  counters: CounterAdd[];
  /** A delivery counts once on the courier's day (store zone). */
  courierDelivery?: { courierId: string; day: string };
  /** A return counts once under its reason on the campaign/day of the order. */
  returnReason?: { campaignId: string; day: string; reason: string };
}

/** The number behind a sales contact, for the order form and the follow-up visit. */
export interface SourceContact {
  contact: Contact;
  /** The number is on the do-not-call list now: no visit is scheduled. */
  doNotCall: boolean;
}

/**
 * Orders, their history, their counters and the follow-up contacts they schedule (docs/orders.md). Every write that
 * must happen once is conditional: `create` on the order not existing, `transition` on the stored version.
 */
export interface OrderStore {
  /** Writes a new order, its first event and its counters; false (and nothing written) when it exists already. */
  create(order: Order, event: OrderEvent, counters: readonly CounterAdd[]): Promise<boolean>;
  get(orderId: string): Promise<Order | undefined>;
  /** The order's events, oldest first. */
  history(orderId: string): Promise<OrderEvent[]>;
  /** Replaces the order iff it is still at `expectedVersion`, with its event and extras; false on a lost race. */
  transition(next: Order, expectedVersion: number, event: OrderEvent, extras: TransitionExtras): Promise<boolean>;
  /** Records the visit an order led to on the order item (idempotent). */
  setFollowUp(orderId: string, followUp: NonNullable<Order['followUp']>): Promise<void>;
  /** Orders of a campaign placed on one local day. */
  listByCampaignDay(campaignId: string, day: string): Promise<Order[]>;
  /** Orders an agent placed on local days `from`..`to` (inclusive). */
  listByAgent(agentId: string, from: string, to: string): Promise<Order[]>;
  /** The sales contact of the order's number in its campaign, with the number's DNC standing. */
  sourceContact(campaignId: string, phoneKey: string): Promise<SourceContact | undefined>;
  /**
   * Adds a follow-up contact to a visit campaign, due at `contact.dueAt`, unless the number already has a contact
   * there (true when added).
   */
  addVisitContact(contact: Contact, priority: VisitPriority): Promise<boolean>;
  /** The stored order form, for the store to print again. */
  saveForm(orderId: string, form: { subject: string; text: string; html: string; to: string }): Promise<void>;
  /** Counters of a campaign or agent over local days `from`..`to`, shards summed. */
  counters(scope: 'CAMPAIGN' | 'AGENT', id: string, from: string, to: string): Promise<Counters>;
  /** Returns per reason of a campaign's orders placed on days `from`..`to`. */
  returnReasons(campaignId: string, from: string, to: string): Promise<Record<string, number>>;
  /** A courier's deliveries per local day (store zone) over `from`..`to`. */
  courierDays(courierId: string, from: string, to: string): Promise<{ day: string; deliveries: number }[]>;
}
