import { stringify } from 'csv-stringify/sync';
import { DUE_PRIORITIES, dueShard } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import type { IntakeSummary, NumberStatus, RejectedRow } from '#shared/domain/intake/classify';
import { ListFileError } from '#shared/domain/intake/errors';
import { resolveHeader } from '#shared/domain/intake/headers';
import { phoneKey } from '#shared/domain/phone-key';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { ContactStore, DncStore, IntakeTarget, PendingContact, PhoneStatus } from '#shared/ports/contact-store';
import type { EventPublisher } from '#shared/ports/event-publisher';
import type { NumberScreening } from '#shared/ports/list-intake';
import type { ContinuationQueue, ListRepository, OpenResumableSheet } from '#shared/ports/list-repository';
import type { Mailer } from '#shared/ports/mailer';
import type { ObjectRef, ObjectStore } from '#shared/ports/object-store';
import { type ClassifiedRow, classifyList } from '#shared/use-cases/intake/classify-list';
import {
  type IntakeCounts,
  type ListCheckpoint,
  type ListFailure,
  type ListRecord,
  type ListRef,
  listRefOf,
} from '#shared/use-cases/intake/list-record';
import { listReportMail } from '#shared/use-cases/intake/list-report';
import {
  hasSupportedExtension,
  listIdOf,
  parseUploadKey,
  REJECTS_RETENTION_TAG,
  rejectsKeyOf,
} from '#shared/use-cases/intake/upload-key';

/** `source` of the events intake publishes. */
export const INTAKE_EVENT_SOURCE = 'outcall.intake';
/** Campaign states in which a campaign takes no more lists and gives up its numbers to others. */
export const FINISHED_STATES: readonly Campaign['state'][] = ['completed', 'evaluated'];

export interface IngestOptions {
  /** Largest file accepted. Default 200 MiB. */
  maxBytes?: number;
  /** Stop and continue in a new invocation when less than this is left. Default 60 s. */
  safetyMarginMs?: number;
  /** Save a checkpoint at least this often, so a crash repeats little. Default 20,000 rows. */
  checkpointEveryRows?: number;
  /** Rows per classified batch. Default 1,000: ~10 status reads, then the contacts' transactions (49 a transaction). */
  batchSize?: number;
  /** Rejected rows buffered before a part is written. Default 1 MiB of CSV. */
  rejectPartBytes?: number;
  /** Region and zone for numbers in DNC files (they belong to no campaign). Default CN, Asia/Shanghai. */
  dncRegion?: string;
  dncTimeZone?: string;
  /** Who hears about DNC imports (campaign lists go to the campaign's planners). Default nobody. */
  dncReportTo?: readonly string[];
}

export interface IngestDeps {
  objects: ObjectStore;
  lists: ListRepository;
  contacts: ContactStore;
  dnc: DncStore;
  campaigns: Pick<CampaignRepository, 'get'>;
  events: EventPublisher;
  mailer: Mailer;
  continuations: ContinuationQueue;
  openSheet: OpenResumableSheet;
  clock: Clock;
  phoneKeySecret: string;
  options?: IngestOptions;
}

/** One object to ingest, from an S3 notification (key already URL-decoded) or a continuation message. */
export interface IngestRequest {
  bucket: string;
  key: string;
  versionId?: string | undefined;
  sequencer: string;
  size: number;
  /** Milliseconds this invocation has left (Lambda's `getRemainingTimeInMillis`). */
  remainingMs: () => number;
}

export type IngestResult =
  | { outcome: 'ignored'; why: string }
  | { outcome: 'already-done'; listId: string; status: ListRecord['status'] }
  | { outcome: 'ready'; listId: string; summary: IntakeSummary }
  | { outcome: 'failed'; listId: string; failure: ListFailure }
  | { outcome: 'continued'; listId: string; row: number }
  | { outcome: 'superseded'; listId: string };

const ZERO_COUNTS: IntakeCounts = {
  rows: 0,
  accepted: 0,
  duplicates: 0,
  suppressed: 0,
  rejected: 0,
  reasons: {},
  blankRows: 0,
};

/**
 * Loads one uploaded file: a campaign's call list into contacts, or a DNC file into DNC entries.
 *
 * Safe under at-least-once, unordered delivery: the list id is derived from the object version, the LIST item says
 * whether it is loading, done or failed, and every contact write is conditional. Contacts wait outside the due index,
 * marked pending, until the whole file is in, then get their due keys; a file that fails leaves nothing dialable (its
 * pending contacts are deleted and the claims it made given back, found from the numbers the store recorded with
 * them).
 *
 * Near the end of the invocation's time the work stops at a batch boundary, a checkpoint is saved on the LIST item
 * and a continuation message is queued; the next invocation resumes from it (a ranged GET for CSV).
 */
export async function ingestList(deps: IngestDeps, request: IngestRequest): Promise<IngestResult> {
  const target = parseUploadKey(request.key);
  if (target.kind === 'ignored') return { outcome: 'ignored', why: target.why };
  const o = resolveOptions(deps.options);
  const listId = listIdOf(request.bucket, request.key, request.versionId, request.sequencer);
  const now = deps.clock.now().toISOString();
  const campaign = target.kind === 'campaign' ? await deps.campaigns.get(target.campaignId) : undefined;

  const record = await deps.lists.begin({
    kind: target.kind,
    ...(target.kind === 'campaign' ? { campaignId: target.campaignId } : {}),
    listId,
    bucket: request.bucket,
    key: request.key,
    ...(request.versionId ? { versionId: request.versionId } : {}),
    fileName: target.fileName,
    status: 'loading',
    intakeAt: now,
  });
  const ref = listRefOf(record);
  const ctx: RunContext = { deps, o, request, record, ref, campaign, started: performance.now() };

  if (record.status !== 'loading') {
    if (!record.notifiedAt) await notify(ctx, record.summary, record.failure, record.rejectsKey);
    return { outcome: 'already-done', listId, status: record.status };
  }

  const refusal = refuse(target, campaign, request, o);
  if (refusal) return fail(ctx, refusal);

  try {
    let checkpoint = record.checkpoint;
    if (checkpoint?.phase !== 'releasing') {
      const read = await readFile(ctx, checkpoint);
      if (read.kind !== 'done') return read.result;
      checkpoint = read.checkpoint;
    }
    if (ref.kind === 'campaign') {
      const released = await release(ctx, checkpoint);
      if (released) return released;
    }
    const summary = summaryOf(checkpoint);
    const rejectsKey = rejectsKeyOf(request.key);
    await composeRejects(ctx, checkpoint.rejectParts, rejectsKey);
    const completed = await deps.lists.complete(ref, summary, deps.clock.now().toISOString(), rejectsKey);
    if (!completed) return { outcome: 'superseded', listId };
    await notify(ctx, summary, undefined, rejectsKey);
    await deps.objects
      .delete(partRefs(ctx, checkpoint.rejectParts))
      .catch(() => undefined /* leftovers expire with the work prefix's lifecycle rule */);
    return { outcome: 'ready', listId, summary };
  } catch (error) {
    if (!(error instanceof ListFileError)) throw error;
    return fail(ctx, { problem: error.problem, message: error.message });
  }
}

interface ResolvedOptions extends Required<Omit<IngestOptions, 'dncReportTo'>> {
  dncReportTo: readonly string[];
}

interface RunContext {
  deps: IngestDeps;
  o: ResolvedOptions;
  request: IngestRequest;
  record: ListRecord;
  ref: ListRef;
  campaign: Campaign | undefined;
  started: number;
}

function resolveOptions(options: IngestOptions = {}): ResolvedOptions {
  return {
    maxBytes: options.maxBytes ?? 200 * 1024 * 1024,
    safetyMarginMs: options.safetyMarginMs ?? 60_000,
    checkpointEveryRows: options.checkpointEveryRows ?? 20_000,
    batchSize: options.batchSize ?? 1000,
    rejectPartBytes: options.rejectPartBytes ?? 1024 * 1024,
    dncRegion: options.dncRegion ?? 'CN',
    dncTimeZone: options.dncTimeZone ?? 'Asia/Shanghai',
    dncReportTo: options.dncReportTo ?? [],
  };
}

function refuse(
  target: ReturnType<typeof parseUploadKey>,
  campaign: Campaign | undefined,
  request: IngestRequest,
  o: ResolvedOptions,
): ListFailure | undefined {
  if (target.kind === 'campaign' && !campaign) {
    return { problem: 'campaign_not_found', message: `there is no campaign ${target.campaignId}` };
  }
  if (campaign && FINISHED_STATES.includes(campaign.state)) {
    return { problem: 'campaign_finished', message: `campaign ${campaign.id} is ${campaign.state} and takes no lists` };
  }
  if (target.kind !== 'ignored' && !hasSupportedExtension(target.fileName)) {
    return {
      problem: 'unsupported_type',
      message: 'only .csv and .xlsx files are read; save the sheet as one of them',
    };
  }
  if (request.size > o.maxBytes) {
    return {
      problem: 'too_large',
      message: `the file is larger than the limit of ${Math.floor(o.maxBytes / 1048576)} MiB; split it`,
    };
  }
  return undefined;
}

function intakeTarget(ctx: RunContext): IntakeTarget {
  const windowDays = ctx.campaign?.allocationWindowDays ?? 30;
  const at = new Date(ctx.record.intakeAt);
  return {
    campaignId: ctx.campaign?.id ?? '',
    listId: ctx.record.listId,
    intakeAt: ctx.record.intakeAt,
    allocUntil: new Date(at.getTime() + windowDays * 86_400_000).toISOString(),
  };
}

type ReadOutcome = { kind: 'done'; checkpoint: ListCheckpoint } | { kind: 'stopped'; result: IngestResult };

async function readFile(ctx: RunContext, checkpoint: ListCheckpoint | undefined): Promise<ReadOutcome> {
  const { deps, o, request, ref } = ctx;
  const objectRef: ObjectRef = { bucket: request.bucket, key: request.key, versionId: request.versionId };
  const resume = checkpoint
    ? {
        format: checkpoint.format,
        encoding: checkpoint.encoding,
        delimiter: checkpoint.delimiter,
        row: checkpoint.row,
        byteOffset: checkpoint.byteOffset,
        headerRow: checkpoint.headerRow,
        headerCells: checkpoint.headerCells,
      }
    : undefined;
  const sheet = deps.openSheet({ maxBytes: o.maxBytes, resume });
  const bytes = await deps.objects.read(objectRef, { from: sheet.readFrom });
  const target = intakeTarget(ctx);
  const takeOver = new Map<string, string>();
  const screening = ref.kind === 'campaign' ? campaignScreening(ctx, target, takeOver) : undefined;
  const counts: IntakeCounts = structuredClone(checkpoint?.counts ?? ZERO_COUNTS);
  const blankBefore = counts.blankRows;
  let durationBefore = checkpoint?.durationMs ?? 0;
  let rejectParts = checkpoint?.rejectParts ?? 0;
  let rejectBuffer: string[] = [];
  let rejectBytes = 0;
  let rowsSinceCheckpoint = 0;
  const segmentStarted = performance.now();

  const flushRejects = async () => {
    if (rejectBuffer.length === 0) return;
    await deps.objects.put(partRefs(ctx, rejectParts + 1)[rejectParts] as ObjectRef, rejectBuffer.join(''), 'text/csv');
    rejectParts++;
    rejectBuffer = [];
    rejectBytes = 0;
  };

  const rows = classifyList({
    bytes,
    reader: sheet.reader,
    ...(screening ? { screening } : {}),
    region: ctx.campaign?.defaultRegion ?? o.dncRegion,
    defaultTimeZone: ctx.campaign?.callingRules.timeZone ?? o.dncTimeZone,
    batchSize: o.batchSize,
  });
  let final: IntakeSummary | undefined;
  for (;;) {
    const next = await rows.next();
    if (next.done) {
      final = next.value;
      break;
    }
    await writeBatch(ctx, target, next.value, counts, takeOver);
    for (const r of next.value) {
      if (r.class !== 'rejected') continue;
      const line = rejectLine(r.reject);
      rejectBuffer.push(line);
      rejectBytes += Buffer.byteLength(line);
    }
    if (rejectBytes >= o.rejectPartBytes) await flushRejects();
    rowsSinceCheckpoint += next.value.length;

    const short = request.remainingMs() < o.safetyMarginMs;
    if (!short && rowsSinceCheckpoint < o.checkpointEveryRows) continue;
    const position = sheet.position();
    // A CSV position without a byte offset (UTF-16) resumes by reading the file again and skipping to its row.
    if (!position?.headerCells || !position.headerRow) continue;
    await flushRejects();
    counts.blankRows = blankBefore + position.blankRows;
    const saved: ListCheckpoint = {
      phase: 'reading',
      row: position.row,
      ...(position.byteOffset !== undefined ? { byteOffset: position.byteOffset } : {}),
      headerRow: position.headerRow,
      headerCells: position.headerCells,
      format: position.format,
      encoding: position.encoding,
      ...(position.delimiter !== undefined ? { delimiter: position.delimiter } : {}),
      headerMap: resolveHeader(position.headerCells)?.headerMap ?? {},
      counts: structuredClone(counts),
      durationMs: Math.round(durationBefore + performance.now() - segmentStarted),
      rejectParts,
      released: 0,
    };
    if (!(await deps.lists.saveCheckpoint(ref, saved))) {
      await rows.return(undefined as never);
      return { kind: 'stopped', result: { outcome: 'superseded', listId: ctx.record.listId } };
    }
    rowsSinceCheckpoint = 0;
    if (short) {
      await rows.return(undefined as never);
      await continueLater(ctx);
      return { kind: 'stopped', result: { outcome: 'continued', listId: ctx.record.listId, row: saved.row } };
    }
  }
  await flushRejects();
  durationBefore += performance.now() - segmentStarted;
  counts.blankRows = blankBefore + final.blankRows;
  const header = sheet.position();
  const done: ListCheckpoint = {
    phase: 'releasing',
    row: header?.row ?? 0,
    headerRow: header?.headerRow ?? 1,
    headerCells: header?.headerCells ?? [],
    format: final.format,
    encoding: final.encoding,
    headerMap: Object.keys(final.headerMap).length > 0 ? final.headerMap : (checkpoint?.headerMap ?? {}),
    counts,
    durationMs: Math.round(durationBefore),
    rejectParts,
    released: 0,
  };
  if (!(await deps.lists.saveCheckpoint(ref, done))) {
    return { kind: 'stopped', result: { outcome: 'superseded', listId: ctx.record.listId } };
  }
  return { kind: 'done', checkpoint: done };
}

/** Writes one classified batch and folds its rows into `counts`, moving rows the store found out more about. */
async function writeBatch(
  ctx: RunContext,
  target: IntakeTarget,
  batch: readonly ClassifiedRow[],
  counts: IntakeCounts,
  takeOver: Map<string, string>,
): Promise<void> {
  const { deps } = ctx;
  for (const r of batch) {
    if (r.class === 'accepted') continue;
    const reason = r.class === 'rejected' ? r.reject.reason : r.reason;
    tally(counts, reason);
  }
  const accepted = batch.flatMap((r) => (r.class === 'accepted' ? [r.contact] : []));
  if (accepted.length === 0) return;
  if (ctx.ref.kind === 'dnc') {
    await deps.dnc.addEntries(
      accepted.map((c) => phoneKey(c.e164, deps.phoneKeySecret)),
      { source: 'imported_list', at: ctx.record.intakeAt, listId: ctx.record.listId },
    );
    for (const _ of accepted) tally(counts, 'accepted');
    return;
  }
  const pending: PendingContact[] = accepted.map((c) => {
    const key = phoneKey(c.e164, deps.phoneKeySecret);
    return {
      ...c,
      phoneKey: key,
      shard: dueShard(key),
      priority: c.numberType === 'mobile' ? DUE_PRIORITIES.newMobile : DUE_PRIORITIES.newFixed,
      takeOverFrom: takeOver.get(c.e164),
    };
  });
  takeOver.clear();
  const outcomes = await deps.contacts.writeContacts(target, pending);
  for (const outcome of outcomes) tally(counts, outcome);
}

function tally(counts: IntakeCounts, outcome: string): void {
  counts.rows++;
  if (outcome === 'accepted') {
    counts.accepted++;
    return;
  }
  counts.reasons[outcome] = (counts.reasons[outcome] ?? 0) + 1;
  if (outcome === 'duplicate_in_file' || outcome === 'duplicate_in_campaign') counts.duplicates++;
  else if (outcome === 'do_not_call' || outcome === 'allocated_elsewhere') counts.suppressed++;
  else counts.rejected++;
}

/**
 * Screening from the numbers' STATUS items. A claim by this very list (a run before a crash) is not reported: the
 * contact write sorts those rows out exactly, by the row they were written from. A claim by a finished campaign is
 * free to take over; `takeOver` tells the write from which campaign.
 */
function campaignScreening(ctx: RunContext, target: IntakeTarget, takeOver: Map<string, string>): NumberScreening {
  const { deps } = ctx;
  const finished = new Map<string, boolean>();
  const isFinished = async (campaignId: string) => {
    let known = finished.get(campaignId);
    if (known === undefined) {
      const other = await deps.campaigns.get(campaignId);
      known = !other || FINISHED_STATES.includes(other.state);
      finished.set(campaignId, known);
    }
    return known;
  };
  return {
    batchSize: deps.contacts.statusBatchSize,
    async checkNumbers(e164s) {
      const keys = e164s.map((e) => phoneKey(e, deps.phoneKeySecret));
      const statuses = await deps.contacts.readStatuses(keys);
      const answer = new Map<string, NumberStatus>();
      for (let i = 0; i < e164s.length; i++) {
        const status = statuses.get(keys[i] as string);
        if (!status) continue;
        const verdict = await judge(status, target, isFinished);
        if (verdict.takeOverFrom) takeOver.set(e164s[i] as string, verdict.takeOverFrom);
        if (verdict.status) answer.set(e164s[i] as string, verdict.status);
      }
      return answer;
    },
  };
}

async function judge(
  status: PhoneStatus,
  target: IntakeTarget,
  isFinished: (campaignId: string) => Promise<boolean>,
): Promise<{ status?: NumberStatus; takeOverFrom?: string }> {
  const dnc = status.dnc !== undefined && (status.dnc.until === undefined || status.dnc.until >= target.intakeAt);
  const holder = status.allocCampaignId;
  const current = holder !== undefined && (status.allocUntil ?? '') >= target.intakeAt;
  if (holder === target.campaignId && status.allocListId === target.listId) {
    return dnc ? { status: { inCampaign: false, dnc } } : {};
  }
  if (holder === target.campaignId) return { status: { inCampaign: true, dnc } };
  if (holder && current && (await isFinished(holder))) {
    return dnc ? { status: { inCampaign: false, dnc } } : { takeOverFrom: holder };
  }
  const allocatedTo = holder && current ? holder : undefined;
  if (!dnc && !allocatedTo) return {};
  return { status: { inCampaign: false, dnc, allocatedTo } };
}

/**
 * Gives the pending contacts their due keys, from where a previous run stopped; returns a result only when it had to
 * stop early. One pass is enough: the store reads what to release consistently, and releases each contact once (one
 * erased or made DNC meanwhile, or released by a duplicate run, is skipped), so `released` may end below `accepted`.
 */
async function release(ctx: RunContext, checkpoint: ListCheckpoint): Promise<IngestResult | undefined> {
  const { deps, o, request } = ctx;
  const shouldStop = () => request.remainingMs() < o.safetyMarginMs;
  const pass = await deps.contacts.releaseList(intakeTarget(ctx), shouldStop, checkpoint.releasedAfterRow);
  const released = checkpoint.released + pass.released;
  if (!pass.drained) {
    const { releasedAfterRow: _, ...rest } = checkpoint;
    await deps.lists.saveCheckpoint(ctx.ref, {
      ...rest,
      released,
      ...(pass.afterRow !== undefined ? { releasedAfterRow: pass.afterRow } : {}),
    });
    await continueLater(ctx);
    return { outcome: 'continued', listId: ctx.record.listId, row: checkpoint.row };
  }
  checkpoint.released = released;
  return undefined;
}

async function continueLater(ctx: RunContext): Promise<void> {
  await ctx.deps.continuations.send({
    kind: 'outcall.intake.continue',
    bucket: ctx.request.bucket,
    key: ctx.request.key,
    ...(ctx.request.versionId ? { versionId: ctx.request.versionId } : {}),
    sequencer: ctx.request.sequencer,
    size: ctx.request.size,
  });
}

async function fail(ctx: RunContext, failure: ListFailure): Promise<IngestResult> {
  const { deps } = ctx;
  if (ctx.ref.kind === 'campaign' && ctx.campaign) await deps.contacts.discardList(intakeTarget(ctx));
  const failed = await deps.lists.fail(ctx.ref, failure, deps.clock.now().toISOString());
  if (failed) await notify(ctx, undefined, failure, undefined);
  return { outcome: 'failed', listId: ctx.record.listId, failure };
}

async function notify(
  ctx: RunContext,
  summary: IntakeSummary | undefined,
  failure: ListFailure | undefined,
  rejectsKey: string | undefined,
): Promise<void> {
  const { deps, record } = ctx;
  const detail = {
    listId: record.listId,
    kind: record.kind,
    ...(record.campaignId ? { campaignId: record.campaignId } : {}),
    bucket: record.bucket,
    key: record.key,
    fileName: record.fileName,
    ...(summary ? { summary } : {}),
    ...(failure ? { reason: failure } : {}),
    ...(rejectsKey ? { rejectsKey } : {}),
  };
  await deps.events.publish([
    { source: INTAKE_EVENT_SOURCE, detailType: failure ? 'ListFailed' : 'ListIngested', detail },
  ]);
  const to = ctx.campaign?.planners ?? (record.kind === 'dnc' ? ctx.o.dncReportTo : []);
  if (to.length > 0) {
    await deps.mailer.send(
      listReportMail(to, { fileName: record.fileName, campaignName: ctx.campaign?.name, summary, failure, rejectsKey }),
    );
  }
  await deps.lists.markNotified(ctx.ref, deps.clock.now().toISOString());
}

function summaryOf(checkpoint: ListCheckpoint): IntakeSummary {
  return {
    ...checkpoint.counts,
    encoding: checkpoint.encoding,
    format: checkpoint.format,
    headerMap: checkpoint.headerMap,
    durationMs: checkpoint.durationMs,
  };
}

const REJECTS_HEADER = `\uFEFF${stringify([['row', 'raw', 'reason']])}`;

function rejectLine(r: RejectedRow): string {
  return stringify([[r.row, r.raw, r.reason]]);
}

/** Reject parts live outside `lists/` so that writing them triggers nothing. */
function partRefs(ctx: RunContext, count: number): ObjectRef[] {
  return Array.from({ length: count }, (_, i) => ({
    bucket: ctx.request.bucket,
    key: `intake-work/${ctx.record.listId}/rejects-${String(i).padStart(6, '0')}.csv`,
  }));
}

/**
 * Concatenates the committed parts, in order, behind one header: memory holds one part at a time. The file is tagged
 * as it is written, so the bucket's lifecycle rule expires it (a rewrite after a crash is tagged again).
 */
async function composeRejects(ctx: RunContext, parts: number, key: string): Promise<void> {
  const { deps } = ctx;
  const refs = partRefs(ctx, parts);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(REJECTS_HEADER, 'utf8');
    for (const ref of refs) yield* await deps.objects.read(ref);
  }
  await deps.objects.putStream({ bucket: ctx.request.bucket, key }, body(), 'text/csv; charset=utf-8', {
    tags: { [REJECTS_RETENTION_TAG.key]: REJECTS_RETENTION_TAG.value },
  });
}
