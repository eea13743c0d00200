import { ValidationError } from '#shared/domain/errors';
import { normalisePhone } from '#shared/domain/intake/phone';
import { phoneKey } from '#shared/domain/phone-key';
import type { Clock } from '#shared/ports/clock';
import type { ErasureCounts, SubjectRecord, SubjectStore } from '#shared/ports/subject-store';

/** Adapters and settings of the data-subject requests (PIPL / GDPR access and erasure). */
export interface SubjectDeps {
  store: SubjectStore;
  clock: Clock;
  /** The deployment's phone-key HMAC secret (shared/domain/phone-key.ts). */
  phoneKeySecret: string;
  /** Region a number without a country code is read in. Default `CN`. */
  defaultRegion?: string;
}

/** Who asks; structurally the HTTP layer's `RequestActor`. */
export interface SubjectActor {
  id: string;
  roles: readonly string[];
}

/** Everything held about one person. */
export interface SubjectExport {
  phoneKey: string;
  status: Record<string, unknown> | null;
  contacts: Array<Record<string, unknown> & { campaignId: string }>;
  attempts: Array<Record<string, unknown> & { campaignId: string; attempt: number }>;
  orders: Array<Record<string, unknown>>;
  /** Sampled calls in the QA queue (scores, evaluators; the recording's location until erased). */
  qa: Array<Record<string, unknown> & { campaignId: string }>;
}

/** What an erasure did. */
export interface SubjectErasure {
  phoneKey: string;
  erased: ErasureCounts;
  /** Kept on purpose: the STATUS item holds no number and its DNC entry keeps the person from being called again. */
  kept: { status: true; dnc: Record<string, unknown> };
  /**
   * The person's calls by Amazon Connect contact id: Connect still holds their contact records and recordings (in
   * the instance's own storage, which outcall does not manage); delete them there.
   */
  connectContactIds: string[];
  erasedAt: string;
}

/** The key of the number in a request path, after the same normalisation intake applies. */
export function subjectKey(deps: Pick<SubjectDeps, 'phoneKeySecret' | 'defaultRegion'>, rawPhone: string): string {
  const phone = normalisePhone(safeDecode(rawPhone), deps.defaultRegion ?? 'CN');
  // The message never echoes the number: error messages may be logged.
  if (!phone.ok) throw new ValidationError(`not a phone number (${phone.problem})`);
  return phoneKey(phone.e164, deps.phoneKeySecret);
}

/** `GET /subjects/{phone}`: everything held about the person with this number. */
export async function exportSubject(deps: SubjectDeps, rawPhone: string): Promise<SubjectExport> {
  const key = subjectKey(deps, rawPhone);
  return toExport(key, await deps.store.find(key));
}

/**
 * `DELETE /subjects/{phone}`: erases the person's contact data from every campaign and keeps only the hashed STATUS
 * item with a DNC entry, so the number is never called again. Repeating it erases nothing more and answers the same
 * DNC entry.
 */
export async function eraseSubject(deps: SubjectDeps, actor: SubjectActor, rawPhone: string): Promise<SubjectErasure> {
  const key = subjectKey(deps, rawPhone);
  const at = deps.clock.now().toISOString();
  const evidence = { source: 'erasure' as const, at, by: actor.id, how: 'api:DELETE /subjects/{phone}' };
  // DNC before the read: a list intake committing a contact of this number after the read would otherwise keep it
  // (its claim is refused once the number is DNC); one committed before is in the read. Should the deletes then fail
  // half-way, the number is already never called again.
  await deps.store.suppress(key, evidence);
  const records = await deps.store.find(key);
  const erased = await deps.store.erase(key, records, at);
  const existing = records.find((r) => r.kind === 'status')?.data.dnc;
  const dnc = existing !== null && typeof existing === 'object' ? (existing as Record<string, unknown>) : evidence;
  const connectContactIds = [
    ...new Set(
      records
        .filter((r) => r.kind === 'attempt' || r.kind === 'qa')
        .map((r) => r.data.connectContactId)
        .filter((id): id is string => typeof id === 'string' && id.length > 0),
    ),
  ].sort();
  return { phoneKey: key, erased, kept: { status: true, dnc }, connectContactIds, erasedAt: at };
}

function toExport(key: string, records: readonly SubjectRecord[]): SubjectExport {
  const out: SubjectExport = { phoneKey: key, status: null, contacts: [], attempts: [], orders: [], qa: [] };
  for (const r of records) {
    if (r.kind === 'status') out.status = r.data;
    else if (r.kind === 'contact') out.contacts.push({ ...r.data, campaignId: r.campaignId ?? '' });
    else if (r.kind === 'attempt')
      out.attempts.push({ ...r.data, campaignId: r.campaignId ?? '', attempt: r.attempt ?? 0 });
    else if (r.kind === 'qa') out.qa.push({ ...r.data, campaignId: r.campaignId ?? '' });
    else out.orders.push(r.data);
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
