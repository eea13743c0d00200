import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { ConnectCampaigns } from '#shared/ports/connect-campaigns';
import type { ContactDialing, OutcomeLookup } from '#shared/ports/contact-dialing';
import type { RateLimiter } from '#shared/ports/rate-limiter';

/** Structured log lines; fields never carry a phone number or a name (phoneKey and attemptRef only). */
export interface DialingLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: DialingLog = { info: () => {}, warn: () => {} };

/** Timings of a dial request; defaults suit a one-minute dispatcher. */
export interface DialSettings {
  /** Connect drops a request it could not dial within this. Default 5 minutes. */
  requestTtlMinutes: number;
  /** After the request expired, how long an outcome may still take before the reconciler steps in. Default 30. */
  outcomeGraceMinutes: number;
  /** Longest wait for a rate-limit permit before the rest of the tick is left for the next one. Default 3 s. */
  permitWaitMs: number;
  /** A throttled or unconfirmed request goes again after this. Default 1 minute. */
  resendAfterMinutes: number;
  /**
   * After a transient Connect failure (5xx, timeout) the campaign sits out this long, doubled on each further failure
   * in a row up to `connectBackoffMaxMinutes`. Default 2 (at a tick a minute, the next tick sits out), at most 5.
   */
  connectBackoffMinutes: number;
  connectBackoffMaxMinutes: number;
  /** A streak of transient Connect failures this old is reported to the operators (a warning line). Default 10. */
  connectAlarmMinutes: number;
}

export const DEFAULT_DIAL_SETTINGS: DialSettings = {
  requestTtlMinutes: 5,
  outcomeGraceMinutes: 30,
  permitWaitMs: 3000,
  resendAfterMinutes: 1,
  connectBackoffMinutes: 2,
  connectBackoffMaxMinutes: 5,
  connectAlarmMinutes: 10,
};

export interface DialingDeps {
  campaigns: Pick<CampaignRepository, 'get' | 'list'>;
  store: ContactDialing;
  connect: ConnectCampaigns;
  /** The account-wide PutOutboundRequestBatch limit, shared by every campaign. */
  limiter: RateLimiter;
  clock: Clock;
  /** Default: nothing is known about lost outcomes ({@link noOutcomeLookup}). */
  outcomes?: OutcomeLookup;
  log?: DialingLog;
  settings?: Partial<DialSettings>;
}
