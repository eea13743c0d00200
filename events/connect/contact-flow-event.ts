import * as z from 'zod';

/**
 * What Amazon Connect sends to a Lambda invoked from a contact flow (`ConnectContactFlowEvent`). Only the fields
 * outcall reads are named; the rest is kept and ignored. The function must answer with a flat map of strings.
 */
export const contactFlowEventSchema = z.looseObject({
  Name: z.string().optional(),
  Details: z.looseObject({
    ContactData: z.looseObject({
      ContactId: z.string().min(1),
      InitialContactId: z.string().nullish(),
      InitiationMethod: z.string().nullish(),
      Attributes: z.record(z.string(), z.string()).default({}),
    }),
    Parameters: z.record(z.string(), z.string()).default({}),
  }),
});
export type ContactFlowEvent = z.infer<typeof contactFlowEventSchema>;

/** The answer a flow Lambda returns: Connect accepts only a flat map of string values. */
export type FlowResponse = Record<string, string>;

/**
 * Contact attributes the dispatcher sets on every campaign dial (PutOutboundRequestBatch `attributes`): they come
 * back on the contact record and in flow events, and name the attempt (`attemptRef`). Keys are Connect-safe.
 */
export const dialAttributesSchema = z.preprocess(
  // The dispatcher names the campaign `outcallCampaignId` (dispatch.ts dialAttributes); both spellings are read.
  (value) =>
    value && typeof value === 'object' && !('campaignId' in value) && 'outcallCampaignId' in value
      ? { ...value, campaignId: (value as { outcallCampaignId: unknown }).outcallCampaignId }
      : value,
  z.looseObject({
    campaignId: z.string().min(1),
    phoneKey: z.string().min(1),
    attempt: z.coerce.number().int().min(1),
    scriptVersion: z.string().optional(),
  }),
);
export type DialAttributes = z.infer<typeof dialAttributesSchema>;

/** Reads the attempt from contact attributes; undefined when the contact is not an outcall dial (e.g. inbound). */
export function dialAttributesOf(
  attributes: Record<string, string | null> | null | undefined,
): DialAttributes | undefined {
  if (!attributes) return undefined;
  const parsed = dialAttributesSchema.safeParse(attributes);
  return parsed.success ? parsed.data : undefined;
}

const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const orderItemSchema = z.object({
  sku: z.string().min(1).max(100),
  name: z.string().max(200).optional(),
  quantity: z.number().int().min(1).max(10_000),
  unitPrice: z.number().min(0).optional(),
});

/**
 * `Details.Parameters` of the disposition Lambda, as the "Disconnect flow for agent UI" passes them from the
 * step-by-step guide's result (docs/connect-disposition.md). Blank strings count as absent (a flow passes "" for an
 * unset attribute).
 */
export const dispositionParametersSchema = z.preprocess(
  (value) =>
    value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== ''))
      : value,
  z.looseObject({
    dispositionCode: z.string().min(1).max(40),
    notes: z.string().max(4000).optional(),
    /** ISO 8601 with offset, as the guide's date-time picker returns it. */
    callbackAt: z.iso.datetime({ offset: true }).optional(),
    /** JSON array of {@link orderItemSchema}. */
    orderItems: jsonText(z.array(orderItemSchema).min(1).max(100)).optional(),
    orderAmount: z.coerce.number().min(0).optional(),
    orderCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    deliveryAddress: z.string().max(500).optional(),
    /** `$.Agent.ARN` in the flow. */
    agentArn: z.string().optional(),
  }),
);
export type DispositionParameters = z.infer<typeof dispositionParametersSchema>;
