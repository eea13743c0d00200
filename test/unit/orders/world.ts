import type { OrderPlacedInput } from '#events/orders';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { type Campaign, type CampaignSpecInput, campaignSpecSchema } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';
import { RETURN_VISIT_DISPOSITIONS } from '#shared/domain/orders/return-visit';
import type { MailMessage } from '#shared/ports/mailer';
import type { OrderDeps } from '#shared/use-cases/orders/deps';
import { MemoryMarkers, MemoryOrderStore } from '#test/unit/orders/memory-order-store';

export const SALES_ID = 'c-sales00000001';
export const VISIT_ID = 'c-visit00000001';
export const PHONE_KEY = 'AbCdEfGhIjKlMnOpQrStUv';

const weekdays = [
  { start: '09:00', end: '12:00' },
  { start: '14:00', end: '20:00' },
];

export function campaign(
  id: string,
  overrides: Partial<CampaignSpecInput> & { state?: Campaign['state'] } = {},
): Campaign {
  const spec = campaignSpecSchema.parse({
    name: '每天乐源 电话营销',
    purpose: 'sales',
    requestingDepartment: { name: '门店' },
    planners: ['planner@example.com'],
    script: { text: '您好…' },
    defaultRegion: 'CN',
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: {
        monday: weekdays,
        tuesday: weekdays,
        wednesday: weekdays,
        thursday: weekdays,
        friday: weekdays,
        saturday: [],
        sunday: [],
      },
      restrictedPeriods: [],
    },
    deadline: '2027-03-31T20:00:00+08:00',
    connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+862161234567' },
    ...overrides,
  });
  return {
    ...spec,
    id,
    state: 'active',
    pilotSkipped: false,
    revision: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    createdBy: 'planner',
    ...(overrides.state ? { state: overrides.state } : {}),
  };
}

export class RecordingMailer {
  readonly sent: MailMessage[] = [];
  failures = 0;
  async send(message: MailMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('mail service unavailable (simulated)');
    }
    this.sent.push(structuredClone(message));
  }
}

export function sourceContact(overrides: Partial<Contact> = {}): Contact {
  return {
    campaignId: SALES_ID,
    phoneKey: PHONE_KEY,
    e164: '+8613800138000',
    numberType: 'mobile',
    zone: 'Asia/Shanghai',
    listId: 'l-1',
    row: 2,
    attributes: { name: '王先生', extra: {} },
    state: 'doneSuccess',
    attempts: 1,
    attemptsByClass: {},
    recentAttempts: [],
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-02T02:15:00.000Z',
    ...overrides,
  };
}

export function orderPlaced(overrides: Partial<OrderPlacedInput> = {}): OrderPlacedInput {
  return {
    orderId: `${SALES_ID}.${PHONE_KEY}.1`,
    campaignId: SALES_ID,
    phoneKey: PHONE_KEY,
    attempt: 1,
    connectContactId: 'cc-1',
    agentId: 'agent-7',
    dispositionCode: 'SALE',
    items: [
      { sku: 'MILK-1L', name: '鲜牛奶 1L', quantity: 2, unitPrice: 12.5 },
      { sku: 'EGG-30', name: '土鸡蛋 30枚', quantity: 1, unitPrice: 39.9 },
    ],
    amount: 64.9,
    currency: 'CNY',
    deliveryAddress: '上海市浦东新区世纪大道 100 号',
    deliveryWindow: '今天 18:00 前',
    // Monday 2026-03-02 10:14 in Shanghai.
    placedAt: '2026-03-02T02:14:30.000Z',
    ...overrides,
  };
}

export interface OrdersWorld {
  deps: OrderDeps;
  store: MemoryOrderStore;
  markers: MemoryMarkers;
  mailer: RecordingMailer;
  events: InMemoryEventPublisher;
  clock: ManualClock;
  campaigns: InMemoryCampaignRepository;
}

/** A sales campaign linked to a return-visit campaign, the sale's contact, and in-memory adapters. */
export async function ordersWorld(
  salesOverrides: Partial<CampaignSpecInput> = {},
  visitOverrides: Partial<CampaignSpecInput> & { state?: Campaign['state'] } = {},
): Promise<OrdersWorld> {
  const campaigns = new InMemoryCampaignRepository();
  await campaigns.create(
    campaign(SALES_ID, {
      fulfilmentEmail: 'store@example.com',
      followThrough: { returnVisit: { campaignId: VISIT_ID, delayHours: 48 } },
      ...salesOverrides,
    }),
  );
  await campaigns.create(
    campaign(VISIT_ID, {
      name: '回访',
      purpose: 'returnVisit',
      dispositions: RETURN_VISIT_DISPOSITIONS,
      ...visitOverrides,
    }),
  );
  const store = new MemoryOrderStore();
  store.contacts.set(`${SALES_ID}#${PHONE_KEY}`, { contact: sourceContact(), doNotCall: false });
  const markers = new MemoryMarkers();
  const mailer = new RecordingMailer();
  const events = new InMemoryEventPublisher();
  const clock = new ManualClock('2026-03-02T02:15:00.000Z');
  return {
    deps: { orders: store, campaigns, mailer, markers, events, clock },
    store,
    markers,
    mailer,
    events,
    clock,
    campaigns,
  };
}

export const STORE = { id: 'store-clerk-1', roles: ['store'] };
export const AGENT = { id: 'agent-7', roles: ['agent'] };
