import * as z from 'zod';
import { restrictedPeriodSchema, timeZoneSchema, WEEKDAYS } from '#shared/domain/campaign';

/**
 * Agents (电销员) and teams as outcall keeps them. Amazon Connect holds who the agents are (user id, ARN, name,
 * e-mail, hierarchy group = team); outcall adds what Connect does not: the team lead's e-mail, the shift end and zone,
 * working days and holidays, the quotas, and each agent's start date and days off.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM in 24-hour form, e.g. "18:00"');

/** A calendar date `YYYY-MM-DD` that exists (2026-02-29 does not). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'not a calendar date');

/** Connect user ids and hierarchy group ids are UUIDs; ids made by hand may be any short slug. */
export const agentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'not an agent id');
export const teamIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'not a team id');

/** Default quotas from the seed: "每个同仁每天保证50通有效电话，新员工每天的电话量标准是20个". */
export const DEFAULT_DAILY_QUOTA = 50;
export const DEFAULT_NEW_AGENT_QUOTA = 20;
/** An agent counts as new for this many local days from the start date, the start day being day 1. */
export const DEFAULT_NEW_AGENT_DAYS = 30;

export const quotaSettingsSchema = z.object({
  /** Effective calls an agent owes per working day. Default 50. */
  effective: z.number().int().min(0).max(10_000).default(DEFAULT_DAILY_QUOTA),
  /** Effective calls a new agent owes. Default 20. */
  newAgent: z.number().int().min(0).max(10_000).default(DEFAULT_NEW_AGENT_QUOTA),
  /** Days an agent is new, counting the start date as day 1. Default 30. */
  newAgentDays: z.number().int().min(0).max(366).default(DEFAULT_NEW_AGENT_DAYS),
});
export type QuotaSettings = z.infer<typeof quotaSettingsSchema>;

/** What planners and team leads set on a team (`PUT /teams/{teamId}`); everything but the zone has a default. */
export const teamSettingsSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  /** Who receives the missing-log list and the below-quota flags. */
  leadEmails: z.array(z.email()).max(50).default([]),
  timeZone: timeZoneSchema,
  /** Local end of the shift; the daily log is due then. Default 18:00. */
  shiftEnd: hhmm.default('18:00'),
  workingDays: z.array(z.enum(WEEKDAYS)).default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']),
  holidays: z.array(restrictedPeriodSchema).max(200).default([]),
  quota: quotaSettingsSchema.default({
    effective: DEFAULT_DAILY_QUOTA,
    newAgent: DEFAULT_NEW_AGENT_QUOTA,
    newAgentDays: DEFAULT_NEW_AGENT_DAYS,
  }),
  /** "下班前10分钟": the agents' reminder goes out this long before the shift end. Default 10. */
  reminderMinutesBefore: z.number().int().min(0).max(240).default(10),
  /** The lead's list of missing logs goes out this long after the shift end. Default 30. */
  leadGraceMinutes: z.number().int().min(0).max(720).default(30),
});
export type TeamSettings = z.infer<typeof teamSettingsSchema>;
export type TeamSettingsInput = z.input<typeof teamSettingsSchema>;

export const teamSchema = teamSettingsSchema.extend({
  id: teamIdSchema,
  /** The Connect hierarchy group this team mirrors, when it came from the roster. */
  connectHierarchyGroupArn: z.string().optional(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type Team = z.infer<typeof teamSchema>;

/** What planners and team leads set on an agent; Connect does not hold these. */
export const agentSettingsSchema = z.object({
  /** First working day; an agent is new for `quota.newAgentDays` days from it. */
  startDate: isoDateSchema.optional(),
  /** Local dates the agent does not work (leave, sick days): no reminder, no quota. */
  daysOff: z.array(isoDateSchema).max(400).default([]),
  /** The API identity (Cognito `sub` or IAM ARN) that may write this agent's logs, when it is not the agent id. */
  apiPrincipal: z.string().min(1).max(2048).optional(),
  /** A team assignment made in outcall; the roster's hierarchy group wins when Connect has one. */
  teamId: teamIdSchema.optional(),
});
export type AgentSettings = z.infer<typeof agentSettingsSchema>;

/**
 * An address outcall mails reminders to. Stricter than RFC 5322: Connect accepts what an admin types (`li&si@x.cn`,
 * `a~b@x.cn`, `x@公司.cn`), so what comes from Connect is checked against this before it is stored
 * ({@link isMailableAddress}), and an agent is never stored with an address every later read would refuse.
 */
export const agentEmailSchema = z.email();
/** An agent's display name as stored. */
export const agentNameSchema = z.string().max(300);

/** Whether `value` passes the agent record's own e-mail check. */
export function isMailableAddress(value: string): boolean {
  return agentEmailSchema.safeParse(value).success;
}

export const agentSchema = agentSettingsSchema.extend({
  id: agentIdSchema,
  connectUserArn: z.string().optional(),
  /** Display name for e-mails; never written to logs. */
  name: agentNameSchema.optional(),
  email: agentEmailSchema.optional(),
  /** Connect users that disappeared from the roster are kept but inactive: no reminders, no quota. */
  active: z.boolean().default(true),
  updatedAt: z.string(),
});
export type Agent = z.infer<typeof agentSchema>;

/** Figures of a day as the counters give them, frozen into the log when it is submitted. */
export const dayFiguresSchema = z.object({
  dials: z.number().int().min(0),
  effective: z.number().int().min(0),
  /** 意向客户 */
  intentional: z.number().int().min(0),
  conversions: z.number().int().min(0),
});
export type DayFigures = z.infer<typeof dayFiguresSchema>;

/** What the agent writes into the daily log (工作日志). */
export const dailyLogInputSchema = z.object({
  /** Free text: how the day went, details of the work. */
  summary: z.string().trim().max(10_000).default(''),
  /** Problems met (遇到的问题). */
  problems: z.string().trim().max(10_000).default(''),
  /** Tomorrow's plan. */
  tomorrowPlan: z.string().trim().max(10_000).default(''),
});
export type DailyLogInput = z.infer<typeof dailyLogInputSchema>;

export const dailyLogSchema = dailyLogInputSchema.extend({
  agentId: agentIdSchema,
  teamId: teamIdSchema,
  day: isoDateSchema,
  figures: dayFiguresSchema,
  quota: z.number().int().min(0),
  submittedAt: z.string(),
  /** The log of record came in after the deadline. */
  late: z.boolean(),
  /** How many times the log was submitted (resubmissions before the deadline replace it). */
  submissions: z.number().int().min(1),
  /** A correction sent after an on-time log's deadline: kept beside it, marked late, never replacing it. */
  lateAmendment: z
    .object({ submittedAt: z.string(), summary: z.string(), problems: z.string(), tomorrowPlan: z.string() })
    .optional(),
});
export type DailyLog = z.infer<typeof dailyLogSchema>;

/** A half-month or month plan (工作计划). */
export const periodPlanInputSchema = z.object({ plan: z.string().trim().min(1).max(20_000) });

export const periodPlanSchema = z.object({
  agentId: agentIdSchema,
  periodStart: isoDateSchema,
  periodEnd: isoDateSchema,
  plan: z.string(),
  submittedAt: z.string(),
  late: z.boolean(),
});
export type PeriodPlan = z.infer<typeof periodPlanSchema>;
