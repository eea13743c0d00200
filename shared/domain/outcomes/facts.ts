/**
 * What is known about one attempt, kept per input kind so that every input can be merged in any order, any number of
 * times, with the same result: each merge is commutative, associative and idempotent. The outcome, the contact's
 * next state and the counters are then derived from the merged facts alone (derive.ts), which is what makes
 * "disposition before record" and "record before disposition" end in the same place.
 */

/** From the contact record: the authoritative final record. Versions are ordered by `lastUpdate`. */
export interface CtrFacts {
  contactId: string;
  lastUpdate: string;
  initiatedAt?: string;
  connectedToSystemAt?: string;
  disconnectedAt?: string;
  disconnectReason?: string;
  amdStatus?: string;
  agentId?: string;
  agentConnectedAt?: string;
  talkSeconds?: number;
  acwEndedAt?: string;
}

/** From contact events: best effort, any subset, any order. */
export interface EventFacts {
  contactId: string;
  /** Event types seen, sorted, unique. */
  types: string[];
  initiatedAt?: string;
  connectedToSystemAt?: string;
  agentConnectedAt?: string;
  disconnectedAt?: string;
  disconnectReason?: string;
  amdStatus?: string;
  agentId?: string;
}

export interface OrderFacts {
  items: { sku: string; name?: string | undefined; quantity: number; unitPrice?: number | undefined }[];
  amount?: number;
  currency?: string;
  deliveryAddress?: string;
}

/** From the agent's wrap-up (disposition Lambda). A later submission replaces an earlier one. */
export interface DispositionFacts {
  contactId: string;
  code: string;
  at: string;
  notes?: string;
  callbackAt?: string;
  agentId?: string;
  order?: OrderFacts;
}

/** From the call-start Lambda: the earliest proof that the call was answered and reached the flow. */
export interface CallStartFacts {
  contactId: string;
  at: string;
}

export interface AttemptFacts {
  ctr?: CtrFacts;
  events?: EventFacts;
  disposition?: DispositionFacts;
  callStart?: CallStartFacts;
}

/** JSON with sorted keys: a total, order-free way to compare and tie-break plain data. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Picks one of two values by `key`, ties broken by the canonical form, so the choice ignores argument order. */
function pickMax<T>(a: T | undefined, b: T | undefined, key: (x: T) => string): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const ka = key(a);
  const kb = key(b);
  if (ka !== kb) return ka > kb ? a : b;
  return canonical(a) >= canonical(b) ? a : b;
}

const minOf = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);
const maxOf = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function mergeEvents(a: EventFacts | undefined, b: EventFacts | undefined): EventFacts | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  // Timestamps of one contact agree across events; min/max only settles the odd disagreement the same way each time.
  return compact({
    contactId: minOf(a.contactId, b.contactId) as string,
    types: [...new Set([...a.types, ...b.types])].sort(),
    initiatedAt: minOf(a.initiatedAt, b.initiatedAt),
    connectedToSystemAt: minOf(a.connectedToSystemAt, b.connectedToSystemAt),
    agentConnectedAt: minOf(a.agentConnectedAt, b.agentConnectedAt),
    disconnectedAt: maxOf(a.disconnectedAt, b.disconnectedAt),
    disconnectReason: maxOf(a.disconnectReason, b.disconnectReason),
    amdStatus: maxOf(a.amdStatus, b.amdStatus),
    agentId: maxOf(a.agentId, b.agentId),
  });
}

/** Merges two fact sets. Commutative, associative and idempotent (property-tested). */
export function mergeFacts(a: AttemptFacts, b: AttemptFacts): AttemptFacts {
  return compact({
    ctr: pickMax(a.ctr, b.ctr, (x) => x.lastUpdate),
    events: mergeEvents(a.events, b.events),
    disposition: pickMax(a.disposition, b.disposition, (x) => x.at),
    // The first call-start is the one that matters; a retried invocation only repeats it later.
    callStart: pickMax(a.callStart, b.callStart, (x) => invert(x.at)),
  });
}

/** Reverses the order of ISO strings so that pickMax picks the earliest. */
function invert(iso: string): string {
  return [...iso].map((c) => String.fromCharCode(0xffff - c.charCodeAt(0))).join('');
}

export function sameFacts(a: AttemptFacts, b: AttemptFacts): boolean {
  return canonical(a) === canonical(b);
}

/** Whether any input behind these facts named the attempt by this Connect contact id. */
export function namesContact(facts: AttemptFacts, connectContactId: string): boolean {
  return [facts.ctr, facts.callStart, facts.disposition, facts.events].some((f) => f?.contactId === connectContactId);
}

/** The Connect contact id of the attempt, once any input has named it. */
export function connectContactIdOf(facts: AttemptFacts): string | undefined {
  return facts.ctr?.contactId ?? facts.callStart?.contactId ?? facts.disposition?.contactId ?? facts.events?.contactId;
}

/** The user id at the end of a Connect agent ARN (`…/agent/<id>`); agents are keyed by it. */
export function agentIdFromArn(arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const match = /\/agent\/([^/]+)$/.exec(arn);
  return match?.[1];
}
