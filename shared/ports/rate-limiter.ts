/**
 * A shared rate limit (e.g. Amazon Connect's 10 PutOutboundRequestBatch calls per second for the whole account).
 * Every caller of the limited API takes a permit first, whatever campaign or Lambda it serves.
 */
export interface RateLimiter {
  /**
   * Takes one permit for the current second, waiting for a later second when this one is used up.
   * Returns false when no permit came within `maxWaitMs` (the caller leaves the work for its next run).
   */
  acquire(maxWaitMs: number): Promise<boolean>;
}
