/**
 * Every DynamoDB key outcall writes is built here, so the data model in docs/data-model.md has one implementation.
 * Keys never contain a phone number or a name: numbers appear only as a keyed hash (`phoneKey`).
 */

export const campaignKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'META' }) as const;

/** Transitions sort by time under their campaign; `seq` breaks ties within one millisecond. */
export const transitionKey = (campaignId: string, at: string, seq: number) =>
  ({ pk: `CAMPAIGN#${campaignId}`, sk: `TRANSITION#${at}#${String(seq).padStart(6, '0')}` }) as const;

export const TRANSITION_PREFIX = 'TRANSITION#';

/** Campaigns by lifecycle state (gsi1): the dispatcher lists active ones without a scan. */
export const campaignStateIndexKey = (state: string, campaignId: string) =>
  ({ gsi1pk: `CAMPAIGNS#${state}`, gsi1sk: campaignId }) as const;

export const listKey = (campaignId: string, listId: string) =>
  ({ pk: `CAMPAIGN#${campaignId}`, sk: `LIST#${listId}` }) as const;

/** All that is known about one number across campaigns lives under one partition: one Query answers it. */
export const phonePartition = (phoneKey: string) => `PHONE#${phoneKey}`;

/** A contact is a number in a campaign; its attempts sort right after it. */
export const contactKey = (campaignId: string, phoneKey: string) =>
  ({ pk: phonePartition(phoneKey), sk: `CONTACT#${campaignId}` }) as const;

export const attemptKey = (campaignId: string, phoneKey: string, attempt: number) =>
  ({ pk: phonePartition(phoneKey), sk: `CONTACT#${campaignId}#ATTEMPT#${String(attempt).padStart(3, '0')}` }) as const;

/**
 * The number's standing across campaigns: its DNC entry (`dnc` map) and its current allocation (`allocCampaignId`,
 * `allocUntil`) on one item, so intake and the dispatcher check both with one key per number.
 */
export const phoneStatusKey = (phoneKey: string) => ({ pk: phonePartition(phoneKey), sk: 'STATUS' }) as const;

/** Names one attempt everywhere: Connect client token, QA item, logs. Only `[a-zA-Z0-9_\-.]`, well under 200 chars. */
export const attemptRef = (campaignId: string, phoneKey: string, attempt: number) =>
  `${campaignId}.${phoneKey}.${attempt}`;

/** Counters are per entity and local day; `shard` spreads one hot campaign over several items. */
export const counterKey = (scope: 'CAMPAIGN' | 'AGENT' | 'TEAM', id: string, day: string, shard = 0) =>
  ({ pk: `COUNTER#${scope}#${id}`, sk: `DAY#${day}#${shard}` }) as const;

/**
 * Marker of one group of a stream batch applied to the counters (counter-ledger.ts): keyed by the group's first
 * record's `eventID`, holding the last sequence number applied; kept two days (a stream keeps records one).
 */
export const counterBatchKey = (eventId: string) => ({ pk: `COUNTERBATCH#${eventId}`, sk: 'APPLIED' }) as const;

export const agentKey = (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: 'PROFILE' }) as const;
export const teamKey = (teamId: string) => ({ pk: `TEAM#${teamId}`, sk: 'PROFILE' }) as const;
export const dailyLogKey = (agentId: string, day: string) => ({ pk: `AGENT#${agentId}`, sk: `LOG#${day}` }) as const;

/** Due index (sparse): partitions per campaign, zone and shard, so a tick reads only zones whose window is open. */
export const DUE_SHARDS = 8;
/** `staleDial` (0): only dials marked before a dialing contact left the index still carry it (docs/data-model.md). */
export const DUE_PRIORITIES = { staleDial: 0, callback: 1, newMobile: 2, newFixed: 3, retry: 4 } as const;
/**
 * The code before records-in-transactions made a loading list's contacts wait here, invisible to the dispatcher, until
 * the whole file was in; the release and the discard still sweep these partitions for lists loading across the deploy.
 * Nothing writes them any more: a loading list's contacts now have no due keys at all (contact-store.ts).
 */
export const pendingIndexPk = (campaignId: string, listId: string, shard: number) =>
  `PENDING#${campaignId}#${listId}#${shard}`;

export const dueIndexKey = (
  campaignId: string,
  zone: string,
  shard: number,
  priority: number,
  dueAt: string,
  phoneKey: string,
) => ({ duePk: `DUE#${campaignId}#${zone}#${shard}`, dueSk: `${priority}#${dueAt}#${phoneKey}` }) as const;

/**
 * Which attempt an Amazon Connect contact id belongs to: a small item of its own (attempt id, TTL), put once when an
 * input first names the attempt by that contact id, read by GetItem. An index key on the attempt item would have
 * copied the whole attempt into the index on every one of its writes.
 */
export const connectContactKey = (connectContactId: string) =>
  ({ pk: `CONNECT#${connectContactId}`, sk: 'ATTEMPT' }) as const;

/** gsi3 partition of one agent's attempts of one local day: what QA sampling reads, and nothing else. */
export const attemptsOfAgentDayPk = (agentId: string, day: string) => `AGENTDAY#${agentId}#${day}`;

/**
 * An attempt in its agent's day (gsi3, keys only: the entry carries the attempt's own key, which names it). Sorted by
 * campaign; the key never changes once the agent and day are known, so the index is written once per attempt, not on
 * each of the attempt's writes.
 */
export const attemptsOfAgentDayIndexKey = (agentId: string, day: string, campaignId: string) =>
  ({ gsi3pk: attemptsOfAgentDayPk(agentId, day), gsi3sk: campaignId }) as const;

/** Reads back the identity of an attempt from its key written by {@link attemptKey}; undefined if it is not one. */
export function parseAttemptKey(key: {
  pk: unknown;
  sk: unknown;
}): { campaignId: string; phoneKey: string; attempt: number } | undefined {
  const pk = /^PHONE#(.+)$/.exec(String(key.pk));
  const sk = /^CONTACT#([^#]+)#ATTEMPT#(\d+)$/.exec(String(key.sk));
  if (!pk?.[1] || !sk?.[1] || !sk[2]) return undefined;
  return { campaignId: sk[1], phoneKey: pk[1], attempt: Number(sk[2]) };
}

/** A scorecard version. Zero-padded so a descending Query with `Limit: 1` reads the latest. Immutable once written. */
export const scorecardKey = (scorecardId: string, version: number) =>
  ({ pk: `SCORECARD#${scorecardId}`, sk: `V#${String(version).padStart(6, '0')}` }) as const;

/** A sampled call in the QA queue; the put is conditional on it, so no call is queued twice. */
export const qaItemKey = (attemptRef: string) => ({ pk: `QA#${attemptRef}`, sk: 'ITEM' }) as const;

/** The n-th evaluation of a sampled call (primary, revision or calibration), next to its item. */
export const qaEvaluationKey = (attemptRef: string, n: number) =>
  ({ pk: `QA#${attemptRef}`, sk: `EVAL#${String(n).padStart(4, '0')}` }) as const;

export const QA_EVALUATION_PREFIX = 'EVAL#';

/**
 * The QA queue of a day (gsi1), sorted by team, campaign and agent so each filter is a `begins_with`; the attempt ref
 * ends the sort key to give every item its own place.
 */
export const qaQueueIndexKey = (day: string, teamId: string, campaignId: string, agentId: string, attemptRef: string) =>
  ({ gsi1pk: `QAQ#${day}`, gsi1sk: `${teamId}#${campaignId}#${agentId}#${attemptRef}` }) as const;

/** An agent's sampled calls by day (gsi2): what the agent and their lead read. */
export const qaAgentIndexKey = (agentId: string, day: string, attemptRef: string) =>
  ({ gsi2pk: `QAAGENT#${agentId}`, gsi2sk: `${day}#${attemptRef}` }) as const;

/**
 * A loading list's contact in the pending partition, as the code before wrote it (tests build such contacts with it).
 * The sort key carries what the release needs to build the due key (zone, priority, due time), because the due index
 * projects keys only: `<zone>#<priority>#<dueAt>#<phoneKey>`.
 */
export const pendingIndexKey = (
  campaignId: string,
  listId: string,
  shard: number,
  zone: string,
  priority: number,
  dueAt: string,
  phoneKey: string,
) => ({ duePk: pendingIndexPk(campaignId, listId, shard), dueSk: `${zone}#${priority}#${dueAt}#${phoneKey}` }) as const;

/**
 * A list's records: one item per contact transaction (keyed by its first row), written in it, listing the numbers it
 * wrote with their claims by priority and zone. The release finds the list's pending contacts from them, and a failed
 * list every claim it made, by a consistent Query. Records of the code before (single writes) listed a batch's numbers
 * before it claimed them. Pseudonymous keys only; the items expire with the allocation window.
 */
export const listClaimsPk = (campaignId: string, listId: string) => `CLAIMS#${campaignId}#${listId}`;
export const listClaimsKey = (campaignId: string, listId: string, firstRow: number) =>
  ({ pk: listClaimsPk(campaignId, listId), sk: `ROW#${String(firstRow).padStart(10, '0')}` }) as const;

/** Reads back a pending sort key written by {@link pendingIndexKey}; undefined if it is not one. */
export function parsePendingSortKey(
  dueSk: string,
): { zone: string; priority: number; dueAt: string; phoneKey: string } | undefined {
  const parts = dueSk.split('#');
  if (parts.length !== 4) return undefined;
  const [zone, priority, dueAt, phoneKey] = parts as [string, string, string, string];
  const p = Number(priority);
  if (!Number.isInteger(p) || zone === '' || phoneKey === '') return undefined;
  return { zone, priority: p, dueAt, phoneKey };
}

/** Shard of a number in the due index: spreads a burst of new contacts over `DUE_SHARDS` partitions. */
export function dueShard(phoneKey: string): number {
  let h = 0;
  for (let i = 0; i < phoneKey.length; i++) h = (Math.imul(h, 31) + phoneKey.charCodeAt(i)) | 0;
  return (h >>> 0) % DUE_SHARDS;
}

/** Running totals of all lists of a campaign (ADDed once per finished list); apart from META, which is replaced whole. */
export const campaignListTotalsKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'LISTS' }) as const;

/** An imported do-not-call file: it belongs to no campaign. */
export const dncListKey = (listId: string) => ({ pk: `DNCLIST#${listId}`, sk: 'LIST' }) as const;

/** Teams listed without a scan (gsi1): the reminder tick reads this one partition. */
export const teamsIndexKey = (teamId: string) => ({ gsi1pk: 'TEAMS', gsi1sk: teamId }) as const;
/** A team's agents (gsi1). */
export const teamAgentIndexKey = (teamId: string, agentId: string) =>
  ({ gsi1pk: `TEAM#${teamId}`, gsi1sk: `AGENT#${agentId}` }) as const;
/** An agent's plan for the half month or month starting `periodStart`. */
export const periodPlanKey = (agentId: string, periodStart: string) =>
  ({ pk: `AGENT#${agentId}`, sk: `PLAN#${periodStart}` }) as const;
/** Makes one message go out once: `kind` (e.g. `LOGREMIND`), `scope` (team, campaign), `period` (day, month). */
export const sentMarkerKey = (kind: string, scope: string, period: string, recipient: string) =>
  ({ pk: `SENT#${kind}#${scope}#${period}`, sk: recipient }) as const;

/** An order (orders issue): the item, its events, its stored form, all under one partition (one Query reads all). */
export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }) as const;
/** An order's history line; `version` (unique per order) breaks ties within one millisecond. */
export const orderEventKey = (orderId: string, at: string, version: number) =>
  ({ pk: `ORDER#${orderId}`, sk: `EVENT#${at}#${String(version).padStart(4, '0')}` }) as const;
export const ORDER_EVENT_PREFIX = 'EVENT#';
/** The order form as e-mailed to the store. */
export const orderFormKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'FORM' }) as const;
/** Orders of a campaign and local day (gsi1): what the store's and the reports' day lists read. */
export const ordersOfCampaignDayIndexKey = (campaignId: string, day: string, orderId: string) =>
  ({ gsi1pk: `ORDERS#${campaignId}#${day}`, gsi1sk: orderId }) as const;
/** An agent's orders by day (gsi2): the agent's 报告单. */
export const ordersOfAgentIndexKey = (agentId: string, day: string, orderId: string) =>
  ({ gsi2pk: `ORDERAGENT#${agentId}`, gsi2sk: `${day}#${orderId}` }) as const;
/** Returns per reason of a campaign's orders of a day; beside the DAY# counters, outside their `BETWEEN` range. */
export const returnReasonsKey = (campaignId: string, day: string) =>
  ({ pk: `COUNTER#CAMPAIGN#${campaignId}`, sk: `RETURNS#${day}` }) as const;
/** A courier's deliveries of one local day (store zone): the courier bonus reads it. */
export const courierDayKey = (courierId: string, day: string) =>
  ({ pk: `COURIER#${courierId}`, sk: `DAY#${day}` }) as const;
/** Report recipients and settings: one small item (docs/reports.md). */
export const reportSettingsKey = () => ({ pk: 'REPORTS#CONFIG', sk: 'RECIPIENTS' }) as const;
/** Counter items of one entity over local days `from`–`to`, every shard: the bounds of a `BETWEEN` on `sk`. */
export const counterDayRange = (scope: 'CAMPAIGN' | 'AGENT' | 'TEAM', id: string, from: string, to: string) =>
  ({ pk: `COUNTER#${scope}#${id}`, skFrom: `DAY#${from}#`, skTo: `DAY#${to}#~` }) as const;
