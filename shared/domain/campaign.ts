import * as z from 'zod';

/**
 * The one campaign schema: the API validates requests with it, the CLI validates campaign files with it, and the
 * repository validates what it reads back. Everything a planner writes is `CampaignSpec`; the stored `Campaign` adds
 * identity, lifecycle state and bookkeeping.
 */

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'time must be HH:MM in 24-hour form, e.g. "09:00" or "20:30"');

/**
 * Whether a YYYY-MM-DD date is a day of the calendar: built back from its parts, it must not have rolled over. Plain
 * Date arithmetic rather than a date library, as nearly every function bundles this schema.
 */
function dateExists(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// The pattern alone lets 2026-02-30 through, and the calling window would roll it over into a day not meant.
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD', abort: true })
  .refine(dateExists, {
    message: 'this date does not exist',
    abort: true,
  });

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'must be an IANA time zone such as "Asia/Shanghai" or "America/New_York"' });

function toMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export const timeRangeSchema = z
  .object({ start: hhmm, end: hhmm })
  .refine((r) => toMinutes(r.start) < toMinutes(r.end), { message: 'a calling window must end after it starts' });
export type TimeRange = z.infer<typeof timeRangeSchema>;

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const dayWindows = z
  .array(timeRangeSchema)
  .default([])
  .refine(
    (ranges) => {
      const sorted = [...ranges].sort((a, b) => toMinutes(a.start) - toMinutes(b.start));
      return sorted.every((r, i) => i === 0 || toMinutes(r.start) >= toMinutes(sorted[i - 1]?.end ?? '00:00'));
    },
    { message: 'calling windows of one day must not overlap' },
  );

/** Local calling hours per weekday; a missing or empty day means no calls that day. */
export const weeklyWindowsSchema = z.object({
  monday: dayWindows,
  tuesday: dayWindows,
  wednesday: dayWindows,
  thursday: dayWindows,
  friday: dayWindows,
  saturday: dayWindows,
  sunday: dayWindows,
});
export type WeeklyWindows = z.infer<typeof weeklyWindowsSchema>;

/** A holiday or other restricted period, whole local days, both ends inclusive. */
export const restrictedPeriodSchema = z
  .object({ name: z.string().min(1).max(100), startDate: isoDate, endDate: isoDate })
  .refine((p) => p.startDate <= p.endDate, { message: 'a restricted period must not end before it starts' });
export type RestrictedPeriod = z.infer<typeof restrictedPeriodSchema>;

export const callingRulesSchema = z.object({
  /** Zone of the campaign; contacts whose own zone cannot be derived from their number are called in it. */
  timeZone: timeZoneSchema,
  windows: weeklyWindowsSchema,
  restrictedPeriods: z.array(restrictedPeriodSchema).max(200).default([]),
});
export type CallingRules = z.infer<typeof callingRulesSchema>;

export const frequencyCapsSchema = z.object({
  /** Attempts per number per local day. Default 2. */
  maxAttemptsPerDay: z.number().int().min(1).max(20).default(2),
  /** Minimum minutes between two attempts to the same number. Default 120. */
  minMinutesBetweenAttempts: z.number().int().min(1).max(10_080).default(120),
  /** At most `maxAttempts` in any `days` rolling days. Default 6 in 7. */
  rolling: z
    .object({ days: z.number().int().min(1).max(30), maxAttempts: z.number().int().min(1).max(100) })
    .default({ days: 7, maxAttempts: 6 }),
  /** Attempts per contact over the whole campaign. Default 6. */
  maxAttemptsTotal: z.number().int().min(1).max(50).default(6),
});
export type FrequencyCaps = z.infer<typeof frequencyCapsSchema>;

export const RETRY_CLASSES = ['noAnswer', 'busy', 'voicemail', 'expired', 'failed'] as const;
export type RetryClass = (typeof RETRY_CLASSES)[number];

const retryRule = z.object({
  delayMinutes: z.number().int().min(1).max(43_200),
  maxAttempts: z.number().int().min(0).max(50),
});
export type RetryRule = z.infer<typeof retryRule>;

/** What to do after an attempt that did not reach a person, per outcome class. */
export const retryPolicySchema = z.object({
  noAnswer: retryRule.default({ delayMinutes: 120, maxAttempts: 3 }),
  busy: retryRule.default({ delayMinutes: 30, maxAttempts: 3 }),
  voicemail: retryRule.default({ delayMinutes: 240, maxAttempts: 2 }),
  expired: retryRule.default({ delayMinutes: 10, maxAttempts: 5 }),
  failed: retryRule.default({ delayMinutes: 60, maxAttempts: 2 }),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const INTEREST_LEVELS = ['intentional', 'developable', 'none'] as const;

/** A wrap-up code with the semantics a planner gives it (as Five9 and Genesys dispositions carry). */
export const dispositionSchema = z.object({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'a disposition code is UPPER_SNAKE_CASE, 2 to 40 characters, e.g. "SALE"'),
  label: z.string().min(1).max(80),
  /** Final: the contact is done after it. Otherwise it goes back to the queue under the retry policy. */
  final: z.boolean(),
  success: z.boolean().default(false),
  reachedPerson: z.boolean().default(true),
  /** Counts as an effective call (有效电话) whatever the talk time. */
  effective: z.boolean().default(false),
  callback: z.boolean().default(false),
  doNotCall: z.boolean().default(false),
  complaint: z.boolean().default(false),
  interest: z.enum(INTEREST_LEVELS).default('none'),
  /** A sale: the disposition carries an order. */
  order: z.boolean().default(false),
});
export type Disposition = z.infer<typeof dispositionSchema>;

/** The default catalog, from the seeds' outcome vocabulary (DOMAIN.md §5). */
export const DEFAULT_DISPOSITIONS: Disposition[] = [
  d('SALE', '成交 / sale', { final: true, success: true, effective: true, interest: 'intentional', order: true }),
  d('INTERESTED', '意向客户 / interested', { final: false, effective: true, interest: 'intentional', callback: true }),
  d('DEVELOPABLE', '可发展客户 / developable', { final: false, effective: true, interest: 'developable' }),
  d('NOT_INTERESTED', '无意向 / not interested', { final: true }),
  d('CALLBACK', '预约回拨 / callback requested', { final: false, callback: true }),
  d('WRONG_PERSON', '非本人 / wrong person', { final: true }),
  d('DO_NOT_CALL', '拒绝来电 / do not call', { final: true, doNotCall: true }),
  d('COMPLAINT', '投诉 / complaint', { final: true, complaint: true, doNotCall: true }),
  d('HUNG_UP', '挂断 / hung up early', { final: false }),
];

function d(code: string, label: string, flags: Partial<Disposition> & { final: boolean }): Disposition {
  return dispositionSchema.parse({ code, label, ...flags });
}

export const CAMPAIGN_PURPOSES = [
  'sales',
  'promotion',
  'returnVisit',
  'satisfactionSurvey',
  'complaintFollowUp',
  'marketSurvey',
  'invitation',
] as const;

export const connectSettingsSchema = z.object({
  /** Amazon Connect instance id (UUID). */
  instanceId: z.string().min(1).max(100),
  /**
   * The outbound campaign (v2) this campaign drives: an existing one named when the campaign is created, or the one
   * outcall creates from these settings on first start. Outcall owns it from then on: an update keeps it. While a
   * start creates it, it holds that start's claim `creating:<ISO time>` instead (see `connectCreationClaim`).
   */
  connectCampaignId: z.string().min(1).max(256).optional(),
  contactFlowId: z.string().min(1).max(500),
  /** Caller id, E.164. */
  sourcePhoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'the source number must be E.164, e.g. "+8602161234567"'),
  outboundMode: z.enum(['progressive', 'predictive', 'agentless', 'preview']).default('progressive'),
  /** Share of agent capacity (0.01–1). */
  capacity: z.number().min(0.01).max(1).default(1),
  answerMachineDetection: z.boolean().default(true),
  ringTimeoutSeconds: z.number().int().min(15).max(60).default(30),
  queueId: z.string().min(1).max(500).optional(),
});
export type ConnectSettings = z.infer<typeof connectSettingsSchema>;

export const scriptSchema = z.object({
  /** Increases by one on every change of `text`; the API assigns it. */
  version: z.number().int().min(1).default(1),
  text: z.string().min(1).max(20_000),
});

const email = z.email('must be an e-mail address');

/**
 * Sales follow-through settings of a sales campaign (docs/orders.md). Every field has a default, so a campaign
 * without this object follows through with the defaults; the order domain applies them (`followThroughOf`).
 */
export const followThroughSchema = z.object({
  /** Zone of the store: courier days and order-form times are read in it. Default: the campaign's zone. */
  storeTimeZone: timeZoneSchema.optional(),
  /** Hours from dispatch (or from the order, before dispatch) within which the store promises delivery. Default 4. */
  deliveryPromiseHours: z.number().min(0.25).max(168).default(4),
  /** Agent commission on delivered sales, in basis points (100 = 1 %). Default 100. */
  commissionBasisPoints: z.number().int().min(0).max(10_000).default(100),
  /** Courier bonus: the n-th delivery of a day earns n × stepCents, the day's total capped. Default 1 and 100 yuan. */
  courierBonus: z
    .object({
      stepCents: z.number().int().min(0).max(100_000).default(100),
      dailyCapCents: z.number().int().min(0).max(10_000_000).default(10_000),
    })
    .default({ stepCents: 100, dailyCapCents: 10_000 }),
  /** The return-visit campaign (purpose returnVisit) a delivered order is called back in, and after how long. */
  returnVisit: z
    .object({
      campaignId: z.string().regex(/^c-[a-z0-9]{10,32}$/, 'not a campaign id'),
      delayHours: z.number().min(0).max(2160).default(72),
    })
    .optional(),
  /** Where a returned order's complaint follow-up goes (default: the return-visit campaign), and after how long. */
  complaintFollowUp: z
    .object({
      campaignId: z.string().regex(/^c-[a-z0-9]{10,32}$/, 'not a campaign id'),
      delayHours: z.number().min(0).max(2160).default(4),
    })
    .optional(),
});
export type FollowThrough = z.infer<typeof followThroughSchema>;

/** Everything a planner writes for a campaign (DOMAIN.md §1). */
export const campaignSpecSchema = z.object({
  name: z.string().min(1).max(200),
  purpose: z.enum(CAMPAIGN_PURPOSES),
  requestingDepartment: z.object({ name: z.string().min(1).max(200), email: email.optional() }),
  planners: z.array(email).min(1).max(20),
  script: scriptSchema,
  /** ISO 3166 region used to read local numbers in lists, e.g. "CN". */
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'a region is a two-letter ISO 3166 code such as "CN"'),
  callingRules: callingRulesSchema,
  frequencyCaps: frequencyCapsSchema.default(frequencyCapsSchema.parse({})),
  retryPolicy: retryPolicySchema.default(retryPolicySchema.parse({})),
  /** The campaign stops dialing at this instant (ISO 8601 with offset). */
  deadline: z.iso.datetime({ offset: true, message: 'deadline must be an ISO 8601 time with offset' }),
  pilot: z.object({ size: z.number().int().min(1).max(100_000).default(200) }).default({ size: 200 }),
  /** Days a number stays allocated to this campaign, so two campaigns do not work one customer. Default 30. */
  allocationWindowDays: z.number().int().min(0).max(365).default(30),
  pacing: z.object({ dialsPerMinute: z.number().int().min(1).max(15_000).default(60) }).default({ dialsPerMinute: 60 }),
  dispositions: z
    .array(dispositionSchema)
    .min(1)
    .max(100)
    .default(DEFAULT_DISPOSITIONS)
    .refine((list) => new Set(list.map((x) => x.code)).size === list.length, {
      message: 'disposition codes must be unique',
    }),
  effectiveCall: z
    .object({ minTalkSeconds: z.number().int().min(0).max(3600).default(60) })
    .default({ minTalkSeconds: 60 }),
  connect: connectSettingsSchema,
  /** Store customer service address that receives order forms (sales campaigns). */
  fulfilmentEmail: email.optional(),
  /** Orders, incentives and return visits of a sales campaign; defaults apply when absent. */
  followThrough: followThroughSchema.optional(),
  teamIds: z.array(z.string().min(1).max(64)).max(50).default([]),
});
export type CampaignSpec = z.infer<typeof campaignSpecSchema>;
export type CampaignSpecInput = z.input<typeof campaignSpecSchema>;

export const CAMPAIGN_STATES = ['draft', 'pilot', 'review', 'active', 'paused', 'completed', 'evaluated'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const campaignIdSchema = z.string().regex(/^c-[a-z0-9]{10,32}$/, 'not a campaign id');

export const campaignSchema = campaignSpecSchema.extend({
  id: campaignIdSchema,
  state: z.enum(CAMPAIGN_STATES),
  /** Set when the planner launched without a pilot, on purpose. */
  pilotSkipped: z.boolean().default(false),
  /** While paused: the state it was paused from, which `resume` returns to (a paused pilot resumes as a pilot). */
  pausedFrom: z.enum(['pilot', 'active']).optional(),
  /** Optimistic-locking version of the stored item. */
  revision: z.number().int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  createdBy: z.string().min(1),
});
export type Campaign = z.infer<typeof campaignSchema>;

/** Fields whose change alters who is called when; frozen while the campaign dials. */
export const CALLING_RULE_FIELDS = [
  'callingRules',
  'frequencyCaps',
  'retryPolicy',
  'pacing',
  'deadline',
  'defaultRegion',
  'connect',
  'allocationWindowDays',
] as const satisfies readonly (keyof CampaignSpec)[];
