import type { DiagnosticsReport } from '#events/api/diagnostics';
import { DUE_SHARDS } from '#shared/adapters/dynamodb/keys';
import { isOpenAt, nextOpenAt } from '#shared/domain/calling-window';
import type { Campaign } from '#shared/domain/campaign';
import { campaignIdSchema } from '#shared/domain/campaign';
import {
  type CampaignDialContext,
  type ContactHoldReason,
  campaignHold,
  decideContact,
  isRestrictedDay,
} from '#shared/domain/dialing/eligibility';
import { NotFoundError } from '#shared/domain/errors';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { ContactDialing, DialingDiagnosticsReads, DialingStats, DueRef } from '#shared/ports/contact-dialing';
import { connectCampaignIdOf } from '#shared/use-cases/dialing/connect-lifecycle';
import { SERVED_PRIORITIES } from '#shared/use-cases/dialing/dispatch';

/** Contacts of the due-now head read one by one for per-contact reasons. Default 200. */
export const DEFAULT_HEAD_SAMPLE = 200;
/** Contacts of unsettled dial batches read to count the dials in flight. Default 2,000 (80 batches). */
export const DEFAULT_IN_FLIGHT_READS = 2_000;

export interface DiagnosticsDeps {
  campaigns: Pick<CampaignRepository, 'get'>;
  store: Pick<ContactDialing, 'campaignZones' | 'queryDue' | 'load' | 'stats'> & DialingDiagnosticsReads;
  clock: Clock;
  headSample?: number;
  inFlightReads?: number;
}

/**
 * Why is nothing dialing? Counts what waits, what is due now and what holds it back, per reason, without a Scan:
 * - campaign-wide holds from the campaign and its dialing figures (2 GetItems);
 * - per zone and shard, COUNT queries on the KEYS_ONLY due index (6 per zone and shard: due now per priority, all
 *   waiting, and legacy in-flight entries); their cost is the keys counted (~100 bytes each, ½ RRU per 4 KB: about
 *   1 RRU per 80 waiting contacts), paid only when someone asks;
 * - dials in flight, which are in no index, from the campaign's unsettled dial batches and their contacts (½ RRU per
 *   contact, at most `inFlightReads` of them: beyond, the figure is a lower bound and says so);
 * - closed zones' due contacts are held by the window (or the holiday) as a whole;
 * - per-contact reasons (caps, DNC) from a bounded read of the due-now head in open zones (≤ `headSample` contacts,
 *   one BatchGetItem per 50), extrapolated to the rest when the head does not cover everything due;
 * - lists still loading from their LIST items, their contacts waiting for the release from the checkpoints.
 * Before a launch, contacts are judged as if the campaign were dialing, so the report answers "X of Y will be
 * skipped, and why".
 */
export async function explainCampaign(deps: DiagnosticsDeps, campaignId: string): Promise<DiagnosticsReport> {
  const campaign = campaignIdSchema.safeParse(campaignId).success ? await deps.campaigns.get(campaignId) : undefined;
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} does not exist`);
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const stats = await deps.store.stats(campaign.id);
  const holds = allCampaignHolds(campaign, stats, now);

  const zones = [...new Set([campaign.callingRules.timeZone, ...(await deps.store.campaignZones(campaign.id))])].sort();
  const zoneReports: DiagnosticsReport['zones'] = [];
  const held: DiagnosticsReport['held'] = {};
  const add = (reason: keyof DiagnosticsReport['held'], n: number) => {
    if (n > 0) held[reason] = (held[reason] ?? 0) + n;
  };
  let dueNowOpen = 0;
  const dialsInFlight = await deps.store.countInFlight(campaign.id, deps.inFlightReads ?? DEFAULT_IN_FLIGHT_READS);
  for (const zone of zones) {
    let inFlight = dialsInFlight.byZone[zone] ?? 0;
    let dueNow = 0;
    let waiting = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      // Marks made before dials left the index still sit at priority 0 until the reconciler settles them.
      inFlight += await deps.store.countDue(campaign.id, zone, shard, '0#', '0#~');
      for (const p of SERVED_PRIORITIES)
        dueNow += await deps.store.countDue(campaign.id, zone, shard, `${p}#`, `${p}#${nowIso}#~`);
      waiting += await deps.store.countDue(campaign.id, zone, shard, '1#', '4#~');
    }
    const open = isOpenAt(campaign.callingRules, now, zone);
    const restrictedToday = isRestrictedDay(campaign.callingRules, now, zone);
    const next = open ? undefined : nextOpenAt(campaign.callingRules, now, zone);
    zoneReports.push({
      zone,
      open,
      restrictedToday,
      ...(next ? { nextOpenAt: next.toISOString() } : {}),
      dueNow,
      later: waiting - dueNow,
      inFlight,
    });
    if (open) dueNowOpen += dueNow;
    else add(restrictedToday ? 'restrictedPeriod' : 'outsideCallingWindow', dueNow);
    add('waitingForRetry', waiting - dueNow);
    add('inFlight', inFlight);
  }

  const sample = await sampleHead(
    deps,
    campaign,
    zoneReports.filter((z) => z.open).map((z) => z.zone),
    now,
  );
  const exact = sample.read >= dueNowOpen;
  const scale = exact || sample.read === 0 ? 1 : dueNowOpen / sample.read;
  for (const [reason, n] of Object.entries(sample.held) as [ContactHoldReason, number][])
    add(reason, Math.round(n * scale));
  const dialableNow = Math.round(sample.dialable * scale);

  const loading = await deps.store.loadingLists(campaign.id);
  add(
    'listLoading',
    loading.reduce((sum, l) => sum + l.pendingContacts, 0),
  );

  const waiting = zoneReports.reduce((s, z) => s + z.dueNow + z.later, 0);
  const dueNow = zoneReports.reduce((s, z) => s + z.dueNow, 0);
  const report: DiagnosticsReport = {
    campaignId: campaign.id,
    at: nowIso,
    state: campaign.state,
    campaignHolds: holds,
    contacts: {
      accepted: await deps.store.acceptedContacts(campaign.id),
      waiting,
      dueNow,
      dialableNow,
      dialableNowExact: exact,
      inFlight: zoneReports.reduce((s, z) => s + z.inFlight, 0),
      inFlightExact: dialsInFlight.exact,
      invalid: stats.invalid,
      exhausted: stats.exhausted,
      doNotCall: stats.dnc,
    },
    held,
    zones: zoneReports,
    sample,
    connect: {
      ...(connectCampaignIdOf(campaign) ? { connectCampaignId: connectCampaignIdOf(campaign) } : {}),
      ...(stats.connectError ? { error: stats.connectError } : {}),
    },
    recent: {
      throttled: stats.throttled,
      expired: stats.expired,
      ...(stats.lastThrottledAt ? { lastThrottledAt: stats.lastThrottledAt } : {}),
      ...(stats.lastExpiredAt ? { lastExpiredAt: stats.lastExpiredAt } : {}),
    },
    summary: '',
  };
  report.summary = summarize(report);
  return report;
}

function allCampaignHolds(campaign: Campaign, stats: DialingStats, now: Date): DiagnosticsReport['campaignHolds'] {
  const holds: DiagnosticsReport['campaignHolds'] = [];
  const clear: CampaignDialContext = { pilotDialed: 0, connectRunning: true };
  const dialing: Campaign = { ...campaign, state: campaign.state === 'pilot' ? 'pilot' : 'active' };
  const active: Campaign = { ...campaign, state: 'active', deadline: '9999-12-31T00:00:00Z' };
  // Each rule alone, so the report lists every hold rather than the first.
  const probes: [Campaign, CampaignDialContext][] = [
    [campaign, clear],
    [dialing, clear],
    [
      { ...dialing, deadline: '9999-12-31T00:00:00Z' },
      { ...clear, pilotDialed: stats.pilotDials },
    ],
    [active, { ...clear, connectRunning: connectCampaignIdOf(campaign) !== undefined }],
    [active, { ...clear, connectError: stats.connectError }],
    [active, { ...clear, connectRetry: stats.connectRetry }],
  ];
  for (const [c, ctx] of probes) {
    const hold = campaignHold(c, ctx, now);
    if (hold.ok || holds.some((h) => h.reason === hold.reason)) continue;
    const { ok: _ok, ...entry } = hold;
    holds.push(entry);
  }
  return holds;
}

async function sampleHead(deps: DiagnosticsDeps, campaign: Campaign, openZones: string[], now: Date) {
  const limit = deps.headSample ?? DEFAULT_HEAD_SAMPLE;
  const nowIso = now.toISOString();
  const refs: DueRef[] = [];
  for (const priority of SERVED_PRIORITIES) {
    for (const zone of openZones) {
      for (let shard = 0; shard < DUE_SHARDS && refs.length < limit; shard++) {
        refs.push(...(await deps.store.queryDue(campaign.id, zone, shard, priority, nowIso, limit - refs.length)));
      }
    }
  }
  const loaded = await deps.store.load(refs, nowIso);
  // Judged as if the campaign dialed: campaign-wide holds are reported apart.
  const asDialing: Campaign = { ...campaign, state: 'active', deadline: '9999-12-31T00:00:00Z' };
  const held: Partial<Record<ContactHoldReason, number>> = {};
  let dialable = 0;
  for (const candidate of loaded) {
    const decision = decideContact(asDialing, candidate, now);
    if (decision.dialable) dialable++;
    else held[decision.reason] = (held[decision.reason] ?? 0) + 1;
  }
  return { read: loaded.length, dialable, held };
}

function summarize(report: DiagnosticsReport): string {
  const skipped = report.contacts.waiting - report.contacts.dialableNow;
  const reasons = Object.entries(report.held)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  const campaignPart =
    report.campaignHolds.length > 0
      ? ` The campaign itself is held: ${report.campaignHolds.map((h) => h.message).join('; ')}.`
      : '';
  return `${skipped} of ${report.contacts.waiting} waiting contacts will be skipped now${reasons ? `: ${reasons}` : ''}.${campaignPart}`;
}
