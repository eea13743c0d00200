import type { Contact } from '#shared/domain/contact';
import { type Counters, sumCounters } from '#shared/domain/counters';
import type { Order, OrderEvent } from '#shared/domain/orders/order';
import type { VisitPriority } from '#shared/domain/orders/return-visit';
import type { SentMarker } from '#shared/ports/agent-store';
import type { CounterAdd, OrderStore, SourceContact, TransitionExtras } from '#shared/ports/order-store';
import type { OrderFormMarkers } from '#shared/use-cases/orders/deps';

/** `OrderStore` in memory with the DynamoDB adapter's conditions (create once, transition on version). */
export class MemoryOrderStore implements OrderStore {
  readonly orders = new Map<string, Order>();
  readonly events = new Map<string, OrderEvent[]>();
  readonly counterItems = new Map<string, Counters>();
  readonly reasons = new Map<string, Record<string, number>>();
  readonly couriers = new Map<string, number>();
  readonly contacts = new Map<string, SourceContact>();
  readonly visits = new Map<string, { contact: Contact; priority: VisitPriority }>();
  readonly forms = new Map<string, { subject: string; text: string; html: string; to: string }>();
  /** Makes the next `transition` lose its race once (someone else wrote first). */
  loseNextRace = false;

  async create(order: Order, event: OrderEvent, counters: readonly CounterAdd[]): Promise<boolean> {
    if (this.orders.has(order.orderId)) return false;
    this.orders.set(order.orderId, structuredClone(order));
    this.events.set(order.orderId, [structuredClone(event)]);
    for (const c of counters) this.#add(c);
    return true;
  }

  async get(orderId: string): Promise<Order | undefined> {
    const o = this.orders.get(orderId);
    return o ? structuredClone(o) : undefined;
  }

  async history(orderId: string): Promise<OrderEvent[]> {
    return structuredClone(this.events.get(orderId) ?? []);
  }

  async transition(next: Order, expectedVersion: number, event: OrderEvent, extras: TransitionExtras) {
    if (this.loseNextRace) {
      this.loseNextRace = false;
      return false;
    }
    const stored = this.orders.get(next.orderId);
    if (!stored || stored.version !== expectedVersion) return false;
    this.orders.set(next.orderId, structuredClone(next));
    this.events.get(next.orderId)?.push(structuredClone(event));
    for (const c of extras.counters) this.#add(c);
    if (extras.courierDelivery) {
      const key = `${extras.courierDelivery.courierId}#${extras.courierDelivery.day}`;
      this.couriers.set(key, (this.couriers.get(key) ?? 0) + 1);
    }
    if (extras.returnReason) {
      const key = `${extras.returnReason.campaignId}#${extras.returnReason.day}`;
      const r = this.reasons.get(key) ?? {};
      r[extras.returnReason.reason] = (r[extras.returnReason.reason] ?? 0) + 1;
      this.reasons.set(key, r);
    }
    return true;
  }

  async setFollowUp(orderId: string, followUp: NonNullable<Order['followUp']>): Promise<void> {
    const o = this.orders.get(orderId);
    if (o) o.followUp = structuredClone(followUp);
  }

  async listByCampaignDay(campaignId: string, day: string): Promise<Order[]> {
    return [...this.orders.values()].filter((o) => o.campaignId === campaignId && o.day === day).map((o) => ({ ...o }));
  }

  async listByAgent(agentId: string, from: string, to: string): Promise<Order[]> {
    return [...this.orders.values()]
      .filter((o) => o.agentId === agentId && o.day >= from && o.day <= to)
      .map((o) => structuredClone(o));
  }

  async sourceContact(campaignId: string, phoneKey: string): Promise<SourceContact | undefined> {
    const c = this.contacts.get(`${campaignId}#${phoneKey}`);
    return c ? structuredClone(c) : undefined;
  }

  async addVisitContact(contact: Contact, priority: VisitPriority): Promise<boolean> {
    const key = `${contact.campaignId}#${contact.phoneKey}`;
    if (this.visits.has(key) || this.contacts.has(key)) return false;
    this.visits.set(key, { contact: structuredClone(contact), priority });
    return true;
  }

  async saveForm(orderId: string, form: { subject: string; text: string; html: string; to: string }) {
    this.forms.set(orderId, { ...form });
  }

  async counters(scope: 'CAMPAIGN' | 'AGENT', id: string, from: string, to: string): Promise<Counters> {
    const items = [...this.counterItems.entries()]
      .filter(([k]) => {
        const [s, i, day = ''] = k.split('#');
        return s === scope && i === id && day >= from && day <= to;
      })
      .map(([, v]) => v);
    return sumCounters(items);
  }

  async returnReasons(campaignId: string, from: string, to: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [k, r] of this.reasons) {
      const [c, day = ''] = k.split('#');
      if (c !== campaignId || day < from || day > to) continue;
      for (const [reason, n] of Object.entries(r)) out[reason] = (out[reason] ?? 0) + n;
    }
    return out;
  }

  async courierDays(courierId: string, from: string, to: string) {
    return [...this.couriers.entries()]
      .map(([k, deliveries]) => {
        const [c, day = ''] = k.split('#');
        return { c, day, deliveries };
      })
      .filter((x) => x.c === courierId && x.day >= from && x.day <= to)
      .sort((a, b) => a.day.localeCompare(b.day))
      .map(({ day, deliveries }) => ({ day, deliveries }));
  }

  #add(c: CounterAdd): void {
    const key = `${c.scope}#${c.id}#${c.day}`;
    this.counterItems.set(key, sumCounters([this.counterItems.get(key) ?? {}, c.values]));
  }
}

/** Send-once markers in memory, with the claim/confirm/release contract of the DynamoDB one. */
export class MemoryMarkers implements OrderFormMarkers {
  readonly items = new Map<string, { claimedAt: Date; sentAt?: Date }>();

  async claim(marker: SentMarker, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'> {
    const key = keyOf(marker);
    const found = this.items.get(key);
    if (found?.sentAt) return 'sent';
    if (found && found.claimedAt >= staleBefore) return 'busy';
    this.items.set(key, { claimedAt: at });
    return 'claimed';
  }

  async confirm(marker: SentMarker, at: Date): Promise<void> {
    const found = this.items.get(keyOf(marker));
    if (found) found.sentAt = at;
  }

  async release(marker: SentMarker): Promise<void> {
    const key = keyOf(marker);
    if (!this.items.get(key)?.sentAt) this.items.delete(key);
  }
}

const keyOf = (m: SentMarker) => `${m.kind}#${m.scope}#${m.period}#${m.recipient}`;
