import type { Campaign } from '#shared/domain/campaign';

/** One dial request: an attempt of a contact, named by its client token (= attemptRef). */
export interface DialRequest {
  /** `attemptRef(campaignId, phoneKey, attempt)`: Connect places at most one call per token. */
  clientToken: string;
  /** E.164. */
  phoneNumber: string;
  /** Connect drops the request if it cannot dial before this instant. */
  expiresAt: Date;
  /** Contact attributes for the flow and the agent; keys `[a-zA-Z0-9_-]`. */
  attributes: Record<string, string>;
  /** Per-request overrides of the Connect campaign's defaults (the outcall campaign's `connect` settings). */
  sourcePhoneNumber?: string;
  answerMachineDetection?: boolean;
  ringTimeoutSeconds?: number;
}

/**
 * What became of one request of a batch. `throttled` (RequestThrottled, BufferLimitExceeded) and `unknown`
 * (UnknownError) were not placed for sure and go again later with the same token; `invalid` never will be.
 */
export type DialResult =
  | { clientToken: string; outcome: 'accepted'; requestId: string }
  | { clientToken: string; outcome: 'invalid'; reason: string }
  | { clientToken: string; outcome: 'throttled' }
  | { clientToken: string; outcome: 'unknown' };

/** States of an Amazon Connect outbound campaign (v2). */
export const CONNECT_CAMPAIGN_STATES = ['Initialized', 'Running', 'Paused', 'Stopped', 'Failed', 'Completed'] as const;
export type ConnectCampaignState = (typeof CONNECT_CAMPAIGN_STATES)[number];

/** The whole batch call was throttled (HTTP 429 ThrottlingException): nothing of it was placed. */
export class ConnectThrottledError extends Error {
  override readonly name = 'ConnectThrottledError';
}

/**
 * The call failed in a way that passes (HTTP 5xx such as InternalServerException, a timeout, a dropped connection),
 * after the SDK's own retries. Its requests may or may not have reached Connect: resending them with the same client
 * tokens is safe, since Connect places at most one call per token. `code` is the service's error name or the
 * socket's error code, safe to log.
 */
export class ConnectUnavailableError extends Error {
  override readonly name = 'ConnectUnavailableError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A Connect control-plane call failed; `code` is the service's error name, safe to show to a planner. */
export class ConnectCallError extends Error {
  override readonly name = 'ConnectCallError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Amazon Connect outbound campaigns (v2), as outcall uses them. */
export interface ConnectCampaigns {
  /**
   * Sends 1–25 dial requests to the Connect campaign; one result per request, in the same order.
   * @throws ConnectThrottledError when the whole call is throttled.
   * @throws ConnectUnavailableError when the call failed in a way that passes (5xx, timeout, connection reset).
   */
  putDialRequests(connectCampaignId: string, requests: readonly DialRequest[]): Promise<DialResult[]>;
  /** Creates the Connect campaign from the outcall campaign's `connect` settings and calling rules; returns its id. */
  createCampaign(campaign: Campaign): Promise<string>;
  start(connectCampaignId: string): Promise<void>;
  pause(connectCampaignId: string): Promise<void>;
  resume(connectCampaignId: string): Promise<void>;
  stop(connectCampaignId: string): Promise<void>;
  getState(connectCampaignId: string): Promise<ConnectCampaignState>;
}
