import * as z from 'zod';

/**
 * The request shapes Amazon Connect outbound campaigns (v2) accept, as the service model states them (AWS-FACTS.md).
 * The simulator validates every request with these, so an adapter that serialises anything else fails its tests
 * the way it would fail against the real service.
 */

const e164 = z
  .string()
  .regex(/^\+[1-9]\d{1,18}$/)
  .max(20);

const amdConfig = z.object({
  enableAnswerMachineDetection: z.boolean(),
  awaitAnswerMachinePrompt: z.boolean().optional(),
});

export const outboundRequestSchema = z.object({
  clientToken: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[a-zA-Z0-9_\-.]+$/),
  /** The service model marks it `date-time`: the SDK sends ISO 8601 in UTC. */
  expirationTime: z.iso.datetime({ offset: true }),
  channelSubtypeParameters: z.object({
    telephony: z.object({
      destinationPhoneNumber: e164,
      attributes: z.record(z.string().regex(/^[a-zA-Z0-9\-_]+$/), z.string()),
      connectSourcePhoneNumber: z.string().max(100).optional(),
      answerMachineDetectionConfig: amdConfig.optional(),
      ringTimeout: z.number().int().min(15).max(60).optional(),
    }),
  }),
});
export type OutboundRequestBody = z.infer<typeof outboundRequestSchema>;

export const putOutboundRequestBatchSchema = z.object({
  outboundRequests: z.array(outboundRequestSchema).min(1).max(25),
});

const timeRange = z.object({
  startTime: z.string().regex(/^T\d{2}:\d{2}$/),
  endTime: z.string().regex(/^T\d{2}:\d{2}$/),
});
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

export const createCampaignSchema = z.object({
  name: z.string().min(1).max(127),
  connectInstanceId: z.string().min(1).max(256),
  channelSubtypeConfig: z.object({
    telephony: z.object({
      capacity: z.number().min(0.01).max(1).optional(),
      outboundMode: z.union([
        z.object({ progressive: z.object({ bandwidthAllocation: z.number() }) }),
        z.object({ predictive: z.object({ bandwidthAllocation: z.number() }) }),
        z.object({ agentless: z.object({}) }),
        z.object({ preview: z.object({ bandwidthAllocation: z.number() }).loose() }),
      ]),
      defaultOutboundConfig: z.object({
        connectContactFlowId: z.string().min(1),
        connectSourcePhoneNumber: z.string().optional(),
        answerMachineDetectionConfig: amdConfig.optional(),
        ringTimeout: z.number().int().min(15).max(60).optional(),
      }),
      connectQueueId: z.string().optional(),
    }),
  }),
  communicationTimeConfig: z
    .object({
      localTimeZoneConfig: z.object({
        defaultTimeZone: z.string().optional(),
        localTimeZoneDetection: z.array(z.enum(['ZIP_CODE', 'AREA_CODE'])).optional(),
      }),
      telephony: z
        .object({
          openHours: z.object({ dailyHours: z.partialRecord(z.enum(DAYS), z.array(timeRange)) }),
          restrictedPeriods: z
            .object({
              restrictedPeriodList: z.array(
                z.object({ name: z.string().optional(), startDate: z.string(), endDate: z.string() }),
              ),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  schedule: z.object({ startTime: z.number(), endTime: z.number() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type CreateCampaignBody = z.infer<typeof createCampaignSchema>;
