import type { SimDial } from '#infra/local/connect-sim/server';

/**
 * The simulated contact centre behind the connect-sim: it turns accepted dial requests into calls on a simulated
 * clock, gives answered calls to simulated agents (progressive: one call per free agent, a request nobody could take
 * before its expiration EXPIRES), and produces what Amazon Connect would send back, in its real shapes — contact
 * events (EventBridge), contact records (Kinesis), the outbound flow's call-start Lambda event and the agent's
 * disposition through the "Disconnect flow for agent UI" Lambda. It does no I/O: {@link CallFloor.due} hands the
 * emissions whose time has come to whoever delivers them. A local simulator only; nothing here is deployed.
 */

/** How dialed numbers behave; weights, normalised. */
export interface CallMix {
  answer: number;
  busy: number;
  noAnswer: number;
  voicemail: number;
  invalid: number;
}

/** What agents file after an answered call; weights over the campaign's disposition codes. */
export type DispositionMix = Record<string, number>;

export interface SimAgent {
  /** Connect user id (the agent id in outcall). */
  id: string;
  name: string;
  email: string;
  team: { id: string; name: string };
}

export interface FloorOptions {
  instanceArn: string;
  agents: readonly SimAgent[];
  seed?: number;
  mix?: Partial<CallMix>;
  dispositions?: DispositionMix;
  /** Talk time of an answered call, seconds. Default 30–150. */
  talkSeconds?: { min: number; max: number };
  /** After-contact work, seconds. Default 10–30. */
  acwSeconds?: { min: number; max: number };
  /**
   * Contact event types emitted per call. Default DISCONNECTED only: Connect sends more, but they are best effort and
   * the contact record says everything again; each one is an outcome write locally.
   */
  eventTypes?: readonly ('INITIATED' | 'CONNECTED_TO_SYSTEM' | 'CONNECTED_TO_AGENT' | 'DISCONNECTED' | 'COMPLETED')[];
  /** Calls the outbound flow's call-start Lambda on answered calls. Default true. */
  callStart?: boolean;
}

export const DEFAULT_MIX: CallMix = { answer: 0.45, busy: 0.1, noAnswer: 0.3, voicemail: 0.1, invalid: 0.05 };
export const DEFAULT_DISPOSITION_MIX: DispositionMix = {
  INTERESTED: 0.2,
  SALE: 0.15,
  NOT_INTERESTED: 0.35,
  CALLBACK: 0.15,
  DO_NOT_CALL: 0.1,
  COMPLAINT: 0.05,
};

/** What a call of the simulation ended in, before the agent's disposition. */
export type SimCallResult = keyof CallMix | 'expired';

/** One thing Connect sends, due at `at`. */
export type Emission =
  | { at: number; kind: 'contactEvent'; event: Record<string, unknown> }
  | { at: number; kind: 'contactRecord'; record: Record<string, unknown> }
  | { at: number; kind: 'callStart'; event: Record<string, unknown> }
  | { at: number; kind: 'disposition'; event: Record<string, unknown>; code: string; agentId: string };

/** The simulator's own account of what it did (compared with the stores by the tests, never reported as truth). */
export interface FloorTally {
  dials: number;
  results: Record<SimCallResult, number>;
  dispositions: Record<string, number>;
  byAgent: Record<string, { calls: number; dispositions: number; sales: number }>;
}

interface AgentState {
  agent: SimAgent;
  freeAt: number;
}

const ORDER_ITEMS = [
  { sku: 'MILK-YEAR', name: '鲜奶到家 年度订阅', unitPrice: 1999 },
  { sku: 'MILK-MONTH', name: '鲜奶到家 月卡', unitPrice: 199 },
  { sku: 'YOGURT-BOX', name: '酸奶礼盒', unitPrice: 88 },
];

export class CallFloor {
  readonly tally: FloorTally = {
    dials: 0,
    results: { answer: 0, busy: 0, noAnswer: 0, voicemail: 0, invalid: 0, expired: 0 },
    dispositions: {},
    byAgent: {},
  };
  readonly #options: Required<Omit<FloorOptions, 'mix' | 'seed'>> & { mix: CallMix };
  readonly #random: () => number;
  readonly #agents: AgentState[];
  #pending: Emission[] = [];
  #sorted = true;
  #clock: () => number;

  constructor(options: FloorOptions, clock: () => Date) {
    this.#options = {
      instanceArn: options.instanceArn,
      agents: options.agents,
      mix: { ...DEFAULT_MIX, ...options.mix },
      dispositions: options.dispositions ?? DEFAULT_DISPOSITION_MIX,
      talkSeconds: options.talkSeconds ?? { min: 30, max: 150 },
      acwSeconds: options.acwSeconds ?? { min: 10, max: 30 },
      eventTypes: options.eventTypes ?? ['DISCONNECTED'],
      callStart: options.callStart ?? true,
    };
    this.#random = mulberry32(options.seed ?? 7);
    this.#agents = options.agents.map((agent) => ({ agent, freeAt: 0 }));
    this.#clock = () => clock().getTime();
    for (const a of options.agents) this.tally.byAgent[a.id] = { calls: 0, dispositions: 0, sales: 0 };
  }

  /** Agent ARN as Connect writes it in records and events. */
  agentArn(agentId: string): string {
    return `${this.#options.instanceArn}/agent/${agentId}`;
  }

  /** Calls in progress or not yet reported. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /** The connect-sim's dial handler: every valid request is accepted and becomes a call. */
  readonly onDial = (dial: SimDial): { kind: 'accept' } => {
    this.#place(dial);
    return { kind: 'accept' };
  };

  /** Emissions due at or before `now`, oldest first, removed from the floor. */
  due(now: Date): Emission[] {
    if (!this.#sorted) {
      this.#pending.sort((a, b) => a.at - b.at);
      this.#sorted = true;
    }
    const t = now.getTime();
    let n = 0;
    while (n < this.#pending.length && (this.#pending[n] as Emission).at <= t) n++;
    return this.#pending.splice(0, n);
  }

  #place(dial: SimDial): void {
    const placedAt = this.#clock();
    this.tally.dials++;
    const agent = this.#agents.reduce((best, a) => (a.freeAt < best.freeAt ? a : best), this.#agents[0] as AgentState);
    const start = Math.max(placedAt, agent.freeAt);
    const contactId = uuidFrom(this.#random);
    const base = { contactId, dial, initiatedAt: start };
    if (start > dial.expiresAt.getTime()) {
      this.tally.results.expired++;
      this.#emitEnd({ ...base, initiatedAt: dial.expiresAt.getTime() }, dial.expiresAt.getTime(), {
        disconnectReason: 'EXPIRED',
      });
      return;
    }
    const result = this.#pick({ ...this.#options.mix }) as keyof CallMix;
    this.tally.results[result]++;
    const s = (seconds: number) => seconds * 1000;
    if (result !== 'answer') {
      const ring = result === 'noAnswer' ? this.#between(25, 30) : result === 'voicemail' ? 15 : 4;
      const end = start + s(ring);
      // Progressive dialing holds the agent while the line rings.
      agent.freeAt = end;
      const amd = {
        busy: 'SIT_TONE_BUSY',
        noAnswer: 'AMD_UNANSWERED',
        voicemail: 'VOICEMAIL_BEEP',
        invalid: 'SIT_TONE_INVALID_NUMBER',
      }[result];
      this.#emitEnd(base, end, {
        amdStatus: amd,
        disconnectReason: {
          busy: 'OUTBOUND_DESTINATION_ENDPOINT_ERROR',
          noAnswer: 'OTHER',
          voicemail: 'CONTACT_FLOW_DISCONNECT',
          invalid: 'OUTBOUND_DESTINATION_ENDPOINT_ERROR',
        }[result],
        ...(result === 'voicemail' ? { connectedAt: start + s(8) } : {}),
      });
      return;
    }
    const connectedAt = start + s(this.#between(5, 15));
    const agentAt = connectedAt + s(2);
    const talk = this.#between(this.#options.talkSeconds.min, this.#options.talkSeconds.max);
    const endAt = agentAt + s(talk);
    const acwEnd = endAt + s(this.#between(this.#options.acwSeconds.min, this.#options.acwSeconds.max));
    agent.freeAt = acwEnd;
    const agentId = agent.agent.id;
    const byAgent = this.tally.byAgent[agentId] as FloorTally['byAgent'][string];
    byAgent.calls++;
    if (this.#options.callStart) {
      this.#push({ at: connectedAt, kind: 'callStart', event: this.#flowEvent(contactId, dial, 'CallStart', {}) });
    }
    if (this.#options.eventTypes.includes('CONNECTED_TO_AGENT')) {
      this.#push({
        at: agentAt,
        kind: 'contactEvent',
        event: this.#contactEvent('CONNECTED_TO_AGENT', contactId, agentAt, {
          initiationTimestamp: iso(start),
          connectedToSystemTimestamp: iso(connectedAt),
          agentInfo: { agentArn: this.agentArn(agentId), connectedToAgentTimestamp: iso(agentAt) },
        }),
      });
    }
    const code = this.#pick(this.#options.dispositions);
    this.tally.dispositions[code] = (this.tally.dispositions[code] ?? 0) + 1;
    byAgent.dispositions++;
    if (code === 'SALE') byAgent.sales++;
    this.#push({
      at: endAt + s(5),
      kind: 'disposition',
      code,
      agentId,
      event: this.#flowEvent(contactId, dial, 'Disposition', this.#dispositionParameters(code, agentId, endAt)),
    });
    this.#emitEnd(base, endAt, {
      amdStatus: 'HUMAN_ANSWERED',
      disconnectReason: this.#random() < 0.6 ? 'CUSTOMER_DISCONNECT' : 'AGENT_DISCONNECT',
      connectedAt,
      agent: { id: agentId, connectedAt: agentAt, talkSeconds: talk, acwEnd },
      recordAt: acwEnd + s(1),
    });
  }

  #dispositionParameters(code: string, agentId: string, endAt: number): Record<string, string> {
    const params: Record<string, string> = { dispositionCode: code, agentArn: this.agentArn(agentId) };
    if (code === 'CALLBACK' || code === 'INTERESTED') {
      // The customer asks to be called the next day at 10:00 Shanghai time.
      const next = new Date(endAt + 24 * 3600_000);
      const day = new Date(next.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      params.callbackAt = `${day}T10:00:00+08:00`;
      params.notes = code === 'CALLBACK' ? '客户要求明天上午回电' : '有意向，明天再联系';
    }
    if (code === 'SALE') {
      const item = ORDER_ITEMS[Math.floor(this.#random() * ORDER_ITEMS.length)] as (typeof ORDER_ITEMS)[number];
      const quantity = 1 + Math.floor(this.#random() * 2);
      params.orderItems = JSON.stringify([{ sku: item.sku, name: item.name, quantity, unitPrice: item.unitPrice }]);
      params.orderAmount = String(item.unitPrice * quantity);
      params.orderCurrency = 'CNY';
      params.deliveryAddress = '上海市浦东新区世纪大道100号';
      params.notes = '客户下单';
    }
    if (code === 'COMPLAINT') params.notes = '客户投诉来电打扰';
    return params;
  }

  #emitEnd(
    base: { contactId: string; dial: SimDial; initiatedAt: number },
    endAt: number,
    end: {
      amdStatus?: string | undefined;
      disconnectReason: string;
      connectedAt?: number;
      agent?: { id: string; connectedAt: number; talkSeconds: number; acwEnd: number };
      recordAt?: number;
    },
  ): void {
    const { contactId, dial, initiatedAt } = base;
    if (this.#options.eventTypes.includes('DISCONNECTED')) {
      this.#push({
        at: endAt,
        kind: 'contactEvent',
        event: this.#contactEvent('DISCONNECTED', contactId, endAt, {
          initiationTimestamp: iso(initiatedAt),
          ...(end.connectedAt !== undefined ? { connectedToSystemTimestamp: iso(end.connectedAt) } : {}),
          disconnectTimestamp: iso(endAt),
          disconnectReason: end.disconnectReason,
          ...(end.amdStatus ? { answeringMachineDetectionStatus: end.amdStatus } : {}),
          ...(end.agent
            ? {
                agentInfo: {
                  agentArn: this.agentArn(end.agent.id),
                  connectedToAgentTimestamp: iso(end.agent.connectedAt),
                },
              }
            : {}),
        }),
      });
    }
    const recordAt = end.recordAt ?? endAt + 1000;
    this.#push({
      at: recordAt,
      kind: 'contactRecord',
      record: {
        AWSAccountId: '000000000000',
        AWSContactTraceRecordFormatVersion: '2017-03-10',
        ContactId: contactId,
        InitialContactId: null,
        Channel: 'VOICE',
        InitiationMethod: 'API',
        InstanceARN: this.#options.instanceArn,
        InitiationTimestamp: iso(initiatedAt),
        ConnectedToSystemTimestamp: end.connectedAt !== undefined ? iso(end.connectedAt) : null,
        DisconnectTimestamp: iso(endAt),
        DisconnectReason: end.disconnectReason,
        AnsweringMachineDetectionStatus: end.amdStatus ?? null,
        LastUpdateTimestamp: iso(recordAt),
        Attributes: dial.attributes,
        CustomerEndpoint: { Address: dial.phoneNumber, Type: 'TELEPHONE_NUMBER' },
        SystemEndpoint: { Address: '+862161234567', Type: 'TELEPHONE_NUMBER' },
        Queue: null,
        Recording: null,
        Campaign: { CampaignId: dial.campaignId },
        Agent: end.agent
          ? {
              ARN: this.agentArn(end.agent.id),
              Username: end.agent.id,
              ConnectedToAgentTimestamp: iso(end.agent.connectedAt),
              AgentInteractionDuration: end.agent.talkSeconds,
              AfterContactWorkEndTimestamp: iso(end.agent.acwEnd),
              HierarchyGroups: null,
            }
          : null,
      },
    });
  }

  #contactEvent(type: string, contactId: string, at: number, detail: Record<string, unknown>) {
    return {
      version: '0',
      id: `${contactId}-${type}`,
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: '000000000000',
      time: iso(at),
      region: 'us-east-1',
      resources: [this.#options.instanceArn],
      detail: {
        eventType: type,
        contactId,
        initialContactId: contactId,
        channel: 'VOICE',
        instanceArn: this.#options.instanceArn,
        initiationMethod: 'API',
        ...detail,
      },
    };
  }

  #flowEvent(contactId: string, dial: SimDial, name: string, parameters: Record<string, string>) {
    return {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          Attributes: dial.attributes,
          Channel: 'VOICE',
          ContactId: contactId,
          CustomerEndpoint: { Address: dial.phoneNumber, Type: 'TELEPHONE_NUMBER' },
          InitialContactId: contactId,
          InitiationMethod: 'API',
          InstanceARN: this.#options.instanceArn,
          Name: name,
        },
        Parameters: parameters,
      },
    };
  }

  #push(emission: Emission): void {
    const last = this.#pending.at(-1);
    if (last && last.at > emission.at) this.#sorted = false;
    this.#pending.push(emission);
  }

  #between(min: number, max: number): number {
    return Math.round(min + this.#random() * (max - min));
  }

  #pick(weights: Record<string, number>): string {
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.#random() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return (entries.at(-1) as [string, number])[0];
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
