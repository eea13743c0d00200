import type { Campaign, CampaignState } from '#shared/domain/campaign';

/** Who changed a campaign's state, when and why (kept forever with the campaign). */
export interface TransitionRecord {
  campaignId: string;
  action: string;
  from: CampaignState;
  to: CampaignState;
  actor: string;
  reason?: string;
  at: string;
}

export interface CampaignPage {
  items: Campaign[];
  /** Opaque; pass back to read the next page. Absent on the last page. */
  cursor?: string;
}

export interface SaveOptions {
  /** Clear the campaign's dialing hold with the transition (see `releasesDialingHold` in the lifecycle). */
  releaseDialingHold?: boolean;
}

export interface CampaignRepository {
  /** Stores a new campaign; throws `ConflictError` if the id exists. */
  create(campaign: Campaign): Promise<void>;
  get(campaignId: string): Promise<Campaign | undefined>;
  list(filter: { state?: CampaignState; limit?: number; cursor?: string }): Promise<CampaignPage>;
  /**
   * Replaces the campaign if its stored revision is still `expectedRevision` (optimistic locking; `ConflictError`
   * otherwise), writing the transition record in the same transaction when one is given. With
   * `releaseDialingHold`, the same transaction also clears the dialer's hold on the campaign: the Amazon Connect error
   * that held it and its streak of transient Connect failures (`connectError`, `connectRetry` of its dialing figures).
   */
  save(
    campaign: Campaign,
    expectedRevision: number,
    transition?: TransitionRecord,
    options?: SaveOptions,
  ): Promise<void>;
  listTransitions(campaignId: string): Promise<TransitionRecord[]>;
}
