import * as z from 'zod';

/**
 * The fields outcall reads from an Amazon Connect contact record (CTR) as streamed to Kinesis. Connect writes `null`
 * for absent values and adds fields over time, so every field is nullish and unknown ones are kept but ignored.
 * A record may be delivered more than once and updated later (after-contact work, edits): `ContactId` +
 * `LastUpdateTimestamp` names one version.
 */
const ts = z.string().min(1).nullish();

export const contactRecordSchema = z.looseObject({
  ContactId: z.string().min(1),
  LastUpdateTimestamp: z.string().min(1),
  InitialContactId: z.string().nullish(),
  Channel: z.string().nullish(),
  InitiationMethod: z.string().nullish(),
  InstanceARN: z.string().nullish(),
  InitiationTimestamp: ts,
  ConnectedToSystemTimestamp: ts,
  DisconnectTimestamp: ts,
  DisconnectReason: z.string().nullish(),
  AnsweringMachineDetectionStatus: z.string().nullish(),
  /** Contact attributes: for campaign dials, the ones set at dial time (see dial-attributes.ts). */
  Attributes: z.record(z.string(), z.string().nullable()).nullish(),
  Agent: z
    .looseObject({
      ARN: z.string().nullish(),
      ConnectedToAgentTimestamp: ts,
      /** Seconds the agent spent with the customer (talk and hold). */
      AgentInteractionDuration: z.number().nullish(),
      AfterContactWorkEndTimestamp: ts,
    })
    .nullish(),
  Campaign: z.looseObject({ CampaignId: z.string().nullish() }).nullish(),
});
export type ContactRecord = z.infer<typeof contactRecordSchema>;
