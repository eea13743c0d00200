import * as z from 'zod';

/** Event types Amazon Connect sends; others may appear and are ignored, not rejected. */
export const CONTACT_EVENT_TYPES = [
  'INITIATED',
  'CONNECTED_TO_SYSTEM',
  'CONTACT_DATA_UPDATED',
  'QUEUED',
  'CONNECTED_TO_AGENT',
  'DISCONNECTED',
  'COMPLETED',
  'PAUSED',
  'RESUMED',
] as const;

/**
 * The event types outcomes learn from before the contact record: the agent (`CONNECTED_TO_AGENT`) and how the call
 * ended (`DISCONNECTED`, which also carries the connection times). The others bring nothing that these two and the
 * record do not, so the EventBridge rule lets only these through: each event costs an invocation, a lookup, a read
 * and, being a new fact, a write of the attempt.
 */
export const OUTCOME_CONTACT_EVENT_TYPES = [
  'CONNECTED_TO_AGENT',
  'DISCONNECTED',
] as const satisfies readonly (typeof CONTACT_EVENT_TYPES)[number][];

const ts = z.string().min(1).nullish();

/**
 * `detail` of an "Amazon Connect Contact Event" (source `aws.connect`). Best effort and unordered; parsed tolerantly
 * (unknown fields kept and ignored, `channel` seen as both `VOICE` and `Voice`).
 */
export const contactEventDetailSchema = z.looseObject({
  eventType: z.string(),
  contactId: z.string().min(1),
  initialContactId: z.string().nullish(),
  channel: z.string().nullish(),
  initiationMethod: z.string().nullish(),
  instanceArn: z.string().nullish(),
  initiationTimestamp: ts,
  connectedToSystemTimestamp: ts,
  disconnectTimestamp: ts,
  disconnectReason: z.string().nullish(),
  answeringMachineDetectionStatus: z.string().nullish(),
  agentInfo: z.looseObject({ agentArn: z.string().nullish(), connectedToAgentTimestamp: ts }).nullish(),
  campaign: z.looseObject({ campaignId: z.string().nullish() }).nullish(),
});
export type ContactEventDetail = z.infer<typeof contactEventDetailSchema>;

/** The EventBridge envelope around {@link contactEventDetailSchema}. */
export const contactEventSchema = z.looseObject({
  id: z.string(),
  source: z.literal('aws.connect'),
  'detail-type': z.literal('Amazon Connect Contact Event'),
  time: z.string(),
  detail: contactEventDetailSchema,
});
export type ContactEvent = z.infer<typeof contactEventSchema>;
