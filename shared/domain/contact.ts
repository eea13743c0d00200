import * as z from 'zod';

/**
 * A contact is one number on one campaign's list. Intake creates it, the dispatcher dials it, outcomes move it.
 * This schema is the shape stored on the contact item (`PHONE#<phoneKey>` / `CONTACT#<campaignId>`), minus the key
 * and index attributes, which only the DynamoDB adapter knows.
 *
 * State machine (outcomes issue): new → dialing → retryWait | callback | doneSuccess | doneRefused | dnc | invalid |
 * exhausted; retryWait and callback go back to dialing. `queued` is the moment between selection and the dial request.
 */
export const CONTACT_STATES = [
  'new',
  'queued',
  'dialing',
  'retryWait',
  'callback',
  'doneSuccess',
  'doneRefused',
  'dnc',
  'invalid',
  'exhausted',
] as const;
export type ContactState = (typeof CONTACT_STATES)[number];

/** States a contact never leaves. */
export const FINAL_CONTACT_STATES: readonly ContactState[] = [
  'doneSuccess',
  'doneRefused',
  'dnc',
  'invalid',
  'exhausted',
];

export const NUMBER_TYPES = ['mobile', 'fixedLine', 'fixedLineOrMobile', 'voip', 'tollFree', 'other'] as const;

/** What the list said about the person; free-form extra columns are kept under `extra` with Connect-safe keys. */
export const contactAttributesSchema = z.object({
  name: z.string().max(200).optional(),
  company: z.string().max(300).optional(),
  title: z.string().max(200).optional(),
  address: z.string().max(500).optional(),
  city: z.string().max(100).optional(),
  note: z.string().max(1000).optional(),
  extra: z.record(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), z.string().max(1000)).default({}),
});
export type ContactAttributes = z.infer<typeof contactAttributesSchema>;

export const contactSchema = z.object({
  campaignId: z.string(),
  phoneKey: z.string(),
  /** E.164; the only place the number is stored. */
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/),
  numberType: z.enum(NUMBER_TYPES),
  /** IANA zone the contact is called in (from the number, else the campaign's). */
  zone: z.string(),
  listId: z.string(),
  /** 1-based data row in the uploaded file, for the planner's report. */
  row: z.number().int().min(1),
  attributes: contactAttributesSchema,
  state: z.enum(CONTACT_STATES),
  /** Attempts placed so far (the next dial is attempt `attempts + 1`). */
  attempts: z.number().int().min(0).default(0),
  /** Attempts per retry class (noAnswer, busy, voicemail, expired, failed). */
  attemptsByClass: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Start times (ISO) of the most recent attempts, newest last, bounded: enough for every frequency cap. */
  recentAttempts: z.array(z.string()).max(100).default([]),
  /** When the contact may next be dialed (ISO); with `priority` it is mirrored into the due index. */
  dueAt: z.string().optional(),
  callback: z.object({ at: z.string(), agentId: z.string().optional() }).optional(),
  /** The dial in flight: its attempt number and when its request expires. */
  dialing: z.object({ attempt: z.number().int().min(1), requestedAt: z.string(), expiresAt: z.string() }).optional(),
  /** Why the contact is final or held, in the planner's words (e.g. the Connect InvalidInput reason). */
  reason: z.string().max(500).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;
