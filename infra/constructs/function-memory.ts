/**
 * Memory (MB) of the functions whose cost grows with the number of contacts, in one place so that the cost bench
 * (bench/suites/cost.ts) prices what is deployed. Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB).
 */
export const FUNCTION_MEMORY_MB = {
  /**
   * Contact records, contact events and the counters aggregator: invoked asynchronously or by a stream (nobody
   * waits), a few milliseconds of CPU and a few DynamoDB round trips per input. At 512 MB the CPU part takes 3.5× as long as on a full vCPU and the waiting does
   * not change, so an input costs about a third less than at 1,024 MB; a cold start (≈ 1 s here) delays no caller.
   */
  outcomeStreams: 512,
  /**
   * Call start and disposition: Amazon Connect waits for them with a customer or an agent on the line, so they keep
   * the default memory for the shorter cold start.
   */
  outcomeFlows: 1024,
  /** The dispatcher tick: ≤ 25 concurrent Connect batches and their DynamoDB writes, once a minute per campaign. */
  dispatcher: 512,
  /** Intake: parses and normalises whole lists, CPU-bound, one full vCPU. */
  intake: 1769,
} as const;
