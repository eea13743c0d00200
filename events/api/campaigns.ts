import * as z from 'zod';
import { CAMPAIGN_STATES, campaignSchema, campaignSpecSchema } from '#shared/domain/campaign';
import { CAMPAIGN_ACTIONS } from '#shared/domain/lifecycle';

/**
 * The contract of the campaigns HTTP API: one zod schema per request part and per response body. The handler validates
 * with these and docs/openapi.json is generated from them, so the document cannot promise what the code does not do.
 */

/** `POST /campaigns` body: a full campaign spec; omitted fields take the spec's defaults. */
export const createCampaignRequestSchema = campaignSpecSchema;

/**
 * `PATCH /campaigns/{id}` body: any subset of the spec's fields, each replacing the stored value whole (JSON merge of
 * top-level fields only). Unknown fields, including `id`, `state` and `revision`, are refused rather than ignored; the
 * state changes only through transitions. A patch that changes nothing is answered with the campaign as stored.
 */
export const updateCampaignRequestSchema = campaignSpecSchema.partial().strict();

/**
 * `If-Match` header of `PATCH /campaigns/{id}`: the revision the caller read (the `ETag` of `GET`), e.g. `"3"`; weak
 * and unquoted forms are accepted. When absent the patch applies to whatever revision is stored.
 */
export const ifMatchHeaderSchema = z
  .string()
  .trim()
  .regex(/^(W\/)?"?[1-9]\d{0,14}"?$/, 'If-Match must be the campaign revision, e.g. "3"')
  .transform((value) => Number(value.replace(/^W\//, '').replaceAll('"', '')));

/** `GET /campaigns` query string. */
export const listCampaignsQuerySchema = z.object({
  state: z.enum(CAMPAIGN_STATES).optional(),
  /** Page size, 1–100. Default 50. */
  limit: z.coerce.number().int().min(1).max(100).optional(),
  /** The `cursor` of the previous page, as given. */
  cursor: z.string().min(1).max(4096).optional(),
});
export type ListCampaignsQuery = z.infer<typeof listCampaignsQuerySchema>;

/** `POST /campaigns/{id}/transitions` body: one lifecycle action. */
export const transitionRequestSchema = z.object({
  action: z.enum(CAMPAIGN_ACTIONS),
  /** Why; kept with the transition record. */
  reason: z.string().trim().min(1).max(1000).optional(),
  /** Launch straight from draft, skipping the pilot on purpose (recorded on the campaign). */
  skipPilot: z.boolean().optional(),
});
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

export const campaignResponseSchema = campaignSchema;

export const campaignPageSchema = z.object({
  items: z.array(campaignSchema),
  /** Present when there are more items: pass it as `?cursor=` to read the next page. */
  cursor: z.string().optional(),
});

/** One state change of a campaign, as the repository keeps it. */
export const transitionRecordSchema = z.object({
  campaignId: z.string(),
  action: z.string(),
  from: z.enum(CAMPAIGN_STATES),
  to: z.enum(CAMPAIGN_STATES),
  /** The actor id (IAM ARN or Cognito `sub`). */
  actor: z.string(),
  reason: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
});

export const transitionResponseSchema = z.object({ campaign: campaignSchema, transition: transitionRecordSchema });

export const transitionListSchema = z.object({ items: z.array(transitionRecordSchema) });

/** Body of every 4xx without more specific fields. */
export const errorResponseSchema = z.object({ message: z.string() });

/** 400: what was wrong, field by field. */
export const validationErrorResponseSchema = z.object({
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

/** 409 on a refused lifecycle action: the campaign's state and the actions it allows. */
export const transitionRefusedResponseSchema = z.object({
  message: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  allowed: z.array(z.enum(CAMPAIGN_ACTIONS)),
});

/** 405: the methods the path accepts (also in the `Allow` header). */
export const methodNotAllowedResponseSchema = z.object({ message: z.string(), allow: z.array(z.string()) });

/** 500: a generic message and the id to quote when reporting it. */
export const internalErrorResponseSchema = z.object({ message: z.literal('Internal error'), requestId: z.string() });
