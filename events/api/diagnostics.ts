import * as z from 'zod';
import { CAMPAIGN_STATES } from '#shared/domain/campaign';
import { CAMPAIGN_HOLD_REASONS, CONTACT_HOLD_REASONS } from '#shared/domain/dialing/eligibility';

/** Why contacts are not dialed now, as `GET /campaigns/{id}/diagnostics` and `outcall campaign explain` report it. */
const count = z.number().int().min(0);

export const DIAGNOSTIC_HOLD_REASONS = [...CONTACT_HOLD_REASONS, 'listLoading'] as const;

export const diagnosticsReportSchema = z.object({
  campaignId: z.string(),
  at: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  /** Everything that stops the whole campaign now; empty when it may dial. Before a launch this lists what the
   * launch itself will lift (campaignNotDialing) and what it will not. */
  campaignHolds: z.array(
    z.object({
      reason: z.enum(CAMPAIGN_HOLD_REASONS),
      message: z.string(),
      /** The Amazon Connect error's name (`heldByConnectError`, `connectUnavailableBackoff`). */
      error: z.string().optional(),
      /** Since when: the refusal (`heldByConnectError`), the first failure in a row (`connectUnavailableBackoff`). */
      since: z.string().optional(),
      /** Until when the hold lasts by itself (`connectUnavailableBackoff`); a `heldByConnectError` lasts until a resume. */
      until: z.string().optional(),
    }),
  ),
  contacts: z.object({
    /** Accepted by all finished lists. */
    accepted: count,
    /** Waiting in the due index (new, retries, callbacks), due now or later. */
    waiting: count,
    dueNow: count,
    /** Due now and passing every contact rule (exact when `dialableNowExact`, else estimated from the sample). */
    dialableNow: count,
    dialableNowExact: z.boolean(),
    /** Dials placed or being placed whose outcome has not come back (a lower bound when `inFlightExact` is false). */
    inFlight: count,
    inFlightExact: z.boolean(),
    invalid: count,
    exhausted: count,
    doNotCall: count,
  }),
  /** Contacts held back, by reason; sampled reasons come from the head of the queue (see `sample`). */
  held: z.partialRecord(z.enum(DIAGNOSTIC_HOLD_REASONS), count),
  zones: z.array(
    z.object({
      zone: z.string(),
      open: z.boolean(),
      restrictedToday: z.boolean(),
      nextOpenAt: z.string().optional(),
      dueNow: count,
      later: count,
      inFlight: count,
    }),
  ),
  /** Contacts read from the head of the due queue in open zones and checked one by one (caps, DNC). */
  sample: z.object({ read: count, dialable: count, held: z.partialRecord(z.enum(CONTACT_HOLD_REASONS), count) }),
  connect: z.object({
    connectCampaignId: z.string().optional(),
    error: z.object({ action: z.string(), code: z.string(), message: z.string(), at: z.string() }).optional(),
  }),
  recent: z.object({
    throttled: count,
    expired: count,
    lastThrottledAt: z.string().optional(),
    lastExpiredAt: z.string().optional(),
  }),
  /** One sentence for a person: "X of Y waiting contacts will be skipped now: …". */
  summary: z.string(),
});
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;

const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** Response schemas of the dialing routes, merged into the OpenAPI components. */
export const DIALING_RESPONSE_SCHEMAS = { DiagnosticsReport: diagnosticsReportSchema } satisfies Record<
  string,
  z.ZodType
>;

/** The dialing operations, merged into the OpenAPI document. */
export const DIALING_OPERATIONS = {
  'GET /campaigns/{id}/diagnostics': {
    operationId: 'getCampaignDiagnostics',
    summary: 'Why is nothing dialing? Contacts dialable now and held back, by reason',
    description:
      'Counts contacts waiting, due now, dialable now and held back by each reason (calling window and when it next ' +
      'opens, holiday, frequency cap, DNC, waiting for retry, exhausted, list still loading), the holds of the ' +
      'whole campaign (not active, pilot size reached, deadline passed, Connect campaign not running) and recent ' +
      'Connect throttling and expirations. Before a launch it tells how many contacts the launch would skip, and why. ' +
      'An error Amazon Connect refused the dials with (validation, access, campaign gone or not running) holds the ' +
      'campaign as `heldByConnectError` (the error name, since when) until a planner fixes the cause and resumes it ' +
      '(`resume`, also accepted while the campaign is active or in pilot); transient Connect failures (5xx, ' +
      'timeouts) make it sit out a short backoff, `connectUnavailableBackoff` (until when), after which it dials ' +
      'again by itself. ' +
      'No Scan: counts come from the due index per zone and shard; per-contact reasons from a bounded sample.',
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'Campaign id. A malformed id is answered 404 like an unknown one.',
        schema: { type: 'string', pattern: '^c-[a-z0-9]{10,32}$' },
      },
    ],
    responses: {
      200: {
        description: 'The report',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/DiagnosticsReport' } } },
      },
      404: responseRef('NotFound'),
    },
  },
};
