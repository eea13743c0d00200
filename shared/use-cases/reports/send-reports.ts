import { duePeriods, type Period, type ScheduledKind } from '#shared/domain/reports/period';
import { chunkRecipients, type ReportSettings, uniqueRecipients } from '#shared/domain/reports/recipients';
import type { Report } from '#shared/domain/reports/report';
import { reportTables } from '#shared/domain/reports/tables';
import type { AgentStore } from '#shared/ports/agent-store';
import type { ReportArchive, ReportMailer } from '#shared/ports/report-delivery';
import type { ReportMarker, ReportMarkers } from '#shared/ports/report-store';
import { type ReportAttachment, tablesToCsv, tablesToXlsx } from '#shared/templates/reports/attachments';
import { renderReportHtml, renderReportText, reportSubject } from '#shared/templates/reports/html';
import { type CampaignDeps, transitionCampaign } from '#shared/use-cases/campaigns';
import {
  buildCampaignReport,
  buildTeamReport,
  campaignReportTarget,
  type ReportBuildDeps,
} from '#shared/use-cases/reports/build-report';

/** Log lines carry ids, kinds and counts only: no address, no name, no number. */
export interface ReportLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}
export const silentReportLog: ReportLog = { info: () => {}, warn: () => {} };

export interface ReportDeps extends ReportBuildDeps {
  agents: ReportBuildDeps['agents'] & Pick<AgentStore, 'listTeams'>;
  markers: ReportMarkers;
  mailer: ReportMailer;
  archive: ReportArchive;
  /** The deploy parameter `managerEmails`: every report goes to them. */
  managerEmails: readonly string[];
  /** Moves a completed campaign to `evaluated` once its evaluation is out. */
  campaignUseCases: CampaignDeps;
  log?: ReportLog;
  /**
   * A pending marker older than this belongs to a sender that died (it must exceed the function timeout).
   * Default 10 minutes.
   */
  staleAfterMs?: number;
}

/** Above this the tables go as the archived link only: SES takes 40 MB a message, base64 makes files 4/3 larger. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const DEFAULT_STALE_AFTER_MS = 10 * 60 * 1000;
/** The identity automatic transitions are recorded under. */
export const SYSTEM_ACTOR = { id: 'system', roles: ['system'] } as const;

export type DeliveryStatus = 'sent' | 'alreadySent' | 'busy' | 'noRecipients';

export interface DeliveryResult {
  status: DeliveryStatus;
  /** Messages sent by this call (others may have gone out in an earlier attempt). */
  messages: number;
  archiveKey?: string;
}

/** Object key of a report's archived copy: by kind, scope and period, so a re-send overwrites the same object. */
export function archiveKey(report: Pick<Report, 'kind' | 'scope'>, period: string): string {
  return `reports/${report.kind}/${report.scope.type}-${report.scope.id}/${period}.html`;
}

/**
 * Builds and sends one report at most once per period.
 *
 * Markers go pending → sent. The whole report is claimed first (a conditional put), so concurrent or repeated runs
 * neither build nor send it twice; each message of it (≤ 50 recipients) has its own marker, confirmed right after
 * SES accepts it. A run that dies after its claim leaves the report pending; once the claim is older than
 * `staleAfterMs` the next run takes it over and sends only the messages not yet confirmed; a message whose own claim
 * is still fresh (its sender died later) leaves the report unconfirmed (`busy`) for a later run. The one gap left is
 * a crash between SES accepting a message and its confirmation: that message may go out twice (SES has no
 * idempotency key); nothing is ever lost. A failure releases the claims so the next run retries at once.
 */
export async function sendOnce(
  deps: ReportDeps,
  id: { kind: Report['kind']; scope: string; period: string },
  build: () => Promise<{ report: Report; recipients: string[] }>,
): Promise<DeliveryResult> {
  const now = deps.clock.now();
  const stale = new Date(now.getTime() - (deps.staleAfterMs ?? DEFAULT_STALE_AFTER_MS));
  const whole: ReportMarker = { kind: `REPORT#${id.kind}`, scope: id.scope, period: id.period, part: 'report' };
  const claim = await deps.markers.claim(whole, now, stale);
  if (claim === 'sent') return { status: 'alreadySent', messages: 0 };
  if (claim === 'busy') return { status: 'busy', messages: 0 };
  try {
    const { report, recipients } = await build();
    const key = archiveKey(report, id.period);
    report.link = await deps.archive.put(key, renderReportHtml(report), 'text/html; charset=utf-8');
    if (recipients.length === 0) {
      deps.log?.warn('report has no recipients; archived only', { kind: id.kind, scope: id.scope, period: id.period });
      await deps.markers.confirm(whole, deps.clock.now());
      return { status: 'noRecipients', messages: 0, archiveKey: key };
    }
    const mail = await composeMail(report);
    const chunks = chunkRecipients([...recipients].sort());
    let messages = 0;
    let busy = 0;
    for (const [i, to] of chunks.entries()) {
      const part: ReportMarker = { ...whole, part: `msg-${i + 1}of${chunks.length}` };
      const state = await deps.markers.claim(part, deps.clock.now(), stale);
      if (state === 'busy') busy++;
      if (state !== 'claimed') continue;
      try {
        await deps.mailer.send({ ...mail, to });
      } catch (error) {
        await deps.markers.release(part);
        throw error;
      }
      await deps.markers.confirm(part, deps.clock.now());
      messages++;
    }
    if (busy > 0) {
      // A message claimed by a run that died after the report claim went stale but before the message claim did:
      // it may not have gone out. Confirming the report would lose it; releasing the report claim lets the next run
      // send it once its claim is stale too.
      await deps.markers.release(whole);
      deps.log?.warn('report messages still claimed by an earlier run; left for a later run', {
        kind: id.kind,
        scope: id.scope,
        period: id.period,
        messages,
        busy,
      });
      return { status: 'busy', messages, archiveKey: key };
    }
    await deps.markers.confirm(whole, deps.clock.now());
    deps.log?.info('report sent', {
      kind: id.kind,
      scope: id.scope,
      period: id.period,
      messages,
      recipients: recipients.length,
    });
    return { status: 'sent', messages, archiveKey: key };
  } catch (error) {
    await deps.markers.release(whole).catch(() => {});
    throw withoutAddresses(error);
  }
}

// Anything@anything up to a separator: SES lists the identities it refused in its messages.
const ADDRESS = /[^\s@,;:<>()[\]"']+@[^\s@,;:<>()[\]"']+/g;

/**
 * The error with every e-mail address in its message and stack replaced: an SES rejection names the recipients, and
 * the error ends up in log lines (the tick's, Lambda's for the event path). Name, code and metadata stay, so what
 * failed is still told; the same object is rethrown so callers that test its type or fields see no difference.
 */
export function withoutAddresses(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? error.replace(ADDRESS, '<address>') : error;
  const message = error.message.replace(ADDRESS, '<address>');
  try {
    error.message = message;
    if (error.stack) error.stack = error.stack.replace(ADDRESS, '<address>');
    return error;
  } catch {
    // A frozen error: a new one with the same name instead.
    return Object.assign(new Error(message), { name: error.name });
  }
}

/** What a log line says of an error: its name and, for AWS SDK errors, its code and HTTP status; never its message. */
export function errorSummary(error: unknown): { error: string; code?: string; httpStatus?: number } {
  if (!(error instanceof Error)) return { error: typeof error };
  const { Code, code, $metadata } = error as {
    Code?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const errorCode = typeof Code === 'string' ? Code : typeof code === 'string' ? code : undefined;
  const status = $metadata?.httpStatusCode;
  return {
    error: error.name,
    ...(errorCode !== undefined && errorCode !== error.name ? { code: errorCode } : {}),
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
  };
}

/** Subject, bodies and the tables as CSV files and one XLSX workbook (dropped, with a note, if too large). */
export async function composeMail(
  report: Report,
): Promise<{ subject: string; html: string; text: string; attachments: ReportAttachment[] }> {
  const tables = reportTables(report);
  const base = `${report.kind}-${report.scope.id}-${report.period.label}`.replace(/[^A-Za-z0-9._-]/g, '_');
  let attachments = [...tablesToCsv(tables, base), await tablesToXlsx(tables, base)];
  const size = attachments.reduce((sum, a) => sum + a.content.byteLength, 0);
  if (size > MAX_ATTACHMENT_BYTES) {
    attachments = [];
    report.notes.push('附件过大，请从存档链接下载 / tables too large to attach: see the archived copy.');
  }
  return {
    subject: reportSubject(report),
    html: renderReportHtml(report),
    text: renderReportText(report),
    attachments,
  };
}

function managers(deps: ReportDeps, settings: ReportSettings): string[] {
  return uniqueRecipients(deps.managerEmails, settings.managers);
}

/** One team's scheduled report for `period`, once. */
export async function sendTeamReport(
  deps: ReportDeps,
  settings: ReportSettings,
  kind: ScheduledKind,
  teamId: string,
  period: Period,
): Promise<DeliveryResult> {
  return sendOnce(deps, { kind, scope: `team-${teamId}`, period: period.label }, async () => {
    const report = await buildTeamReport(deps, kind, teamId, period, settings);
    const team = await deps.agents.getTeam(teamId);
    return { report, recipients: uniqueRecipients(team?.leadEmails, settings.teams[teamId], managers(deps, settings)) };
  });
}

/** The pilot review of a campaign whose pilot has ended, to its planners. */
export async function sendPilotReview(
  deps: ReportDeps,
  settings: ReportSettings,
  campaignId: string,
): Promise<DeliveryResult> {
  const target = await campaignReportTarget(deps, 'pilot', campaignId);
  return sendOnce(deps, { kind: 'pilot', scope: `campaign-${campaignId}`, period: target.markerPeriod }, async () => ({
    report: await buildCampaignReport(deps, target),
    recipients: uniqueRecipients(target.campaign.planners, settings.campaigns[campaignId]),
  }));
}

/**
 * The evaluation of a completed campaign, to the requesting department and the managers (评估报告反馈至客户服务部…);
 * then the campaign moves to `evaluated` as `system`. Safe to call again at any point: a sent evaluation is not
 * re-sent, and the transition is only attempted while the campaign is still `completed`.
 */
export async function sendEvaluation(
  deps: ReportDeps,
  settings: ReportSettings,
  campaignId: string,
): Promise<DeliveryResult & { evaluated: boolean }> {
  const target = await campaignReportTarget(deps, 'campaign', campaignId);
  const c = target.campaign;
  const result = await sendOnce(
    deps,
    { kind: 'campaign', scope: `campaign-${campaignId}`, period: target.markerPeriod },
    async () => ({
      report: await buildCampaignReport(deps, target),
      recipients: uniqueRecipients(
        c.requestingDepartment.email ? [c.requestingDepartment.email] : [],
        settings.departments[c.requestingDepartment.name],
        settings.campaigns[campaignId],
        managers(deps, settings),
      ),
    }),
  );
  let evaluated = c.state === 'evaluated';
  if (c.state === 'completed' && result.status !== 'busy') {
    await transitionCampaign(
      deps.campaignUseCases,
      campaignId,
      'evaluate',
      { ...SYSTEM_ACTOR, roles: [...SYSTEM_ACTOR.roles] },
      {
        reason: 'evaluation report sent',
      },
    );
    evaluated = true;
  }
  return { ...result, evaluated };
}

/** `detail` of `CampaignTransitioned` as far as reports need it. */
export interface TransitionDetail {
  campaignId: string;
  action: string;
}

/** Reacts to a campaign transition: `endPilot` sends the pilot review, `complete` the evaluation. */
export async function onCampaignTransitioned(
  deps: ReportDeps,
  detail: TransitionDetail,
): Promise<DeliveryStatus | 'ignored'> {
  if (detail.action !== 'endPilot' && detail.action !== 'complete') return 'ignored';
  const settings = await deps.reads.settings();
  const result =
    detail.action === 'endPilot'
      ? await sendPilotReview(deps, settings, detail.campaignId)
      : await sendEvaluation(deps, settings, detail.campaignId);
  return result.status;
}

export interface TickResult {
  /** Reports delivered: e-mailed, or archived only because they had no recipient. */
  sent: string[];
  /** Of `sent`, the reports actually e-mailed (the ReportsSent metric). */
  mailed: number;
  skipped: number;
  failed: { what: string; error: string }[];
}

/** A tick failed for some teams or campaigns; the others went out. Thrown so the scheduler's retry and DLQ see it. */
export class ReportTickError extends Error {
  override readonly name = 'ReportTickError';
  readonly result: TickResult;
  constructor(result: TickResult) {
    super(`${result.failed.length} report(s) failed: ${result.failed.map((f) => f.what).join(', ')}`);
    this.result = result;
  }
}

/**
 * The hourly tick: every team whose local clock has passed the send hour gets the reports it is owed (yesterday;
 * on Mondays last week; on the 1st last month), and campaigns waiting in `review` or `completed` get their pilot
 * review or evaluation if the event-driven path missed them. Markers make every repeat a single conditional write.
 */
export async function runReportTick(deps: ReportDeps): Promise<TickResult> {
  const now = deps.clock.now();
  const settings = await deps.reads.settings();
  const result: TickResult = { sent: [], mailed: 0, skipped: 0, failed: [] };
  const attempt = async (what: string, run: () => Promise<{ status: DeliveryStatus }>) => {
    try {
      const r = await run();
      if (r.status === 'sent' || r.status === 'noRecipients') result.sent.push(what);
      else result.skipped++;
      if (r.status === 'sent') result.mailed++;
    } catch (error) {
      result.failed.push({ what, error: error instanceof Error ? error.name : 'Error' });
      // Not the message: an SES rejection's lists the recipients' addresses.
      deps.log?.warn('report failed', { what, ...errorSummary(error) });
    }
  };
  for (const team of await deps.agents.listTeams()) {
    for (const { kind, period } of duePeriods(now, team.timeZone, settings.sendHour)) {
      await attempt(`${kind}:team-${team.id}:${period.label}`, () =>
        sendTeamReport(deps, settings, kind, team.id, period),
      );
    }
  }
  for (const state of ['review', 'completed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.campaigns.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const c of page.items) {
        await attempt(`${state === 'review' ? 'pilot' : 'campaign'}:campaign-${c.id}`, () =>
          state === 'review' ? sendPilotReview(deps, settings, c.id) : sendEvaluation(deps, settings, c.id),
        );
      }
      cursor = page.cursor;
    } while (cursor);
  }
  if (result.failed.length > 0) throw new ReportTickError(result);
  return result;
}
