import * as z from 'zod';
import {
  agentSchema,
  agentSettingsSchema,
  dailyLogInputSchema,
  dailyLogSchema,
  dayFiguresSchema,
  periodPlanInputSchema,
  periodPlanSchema,
  teamSchema,
  teamSettingsSchema,
} from '#shared/domain/agents/agent';

/**
 * The contract of the agents, teams, daily logs and plans routes: the handler validates with these schemas and
 * docs/openapi.json is generated from them.
 */

/** `PUT /teams/{teamId}` body: the whole team settings (omitted fields take their defaults). */
export const putTeamRequestSchema = teamSettingsSchema;
/** `PATCH /agents/{agentId}` body: any of the fields outcall keeps beside the Connect roster. */
export const updateAgentRequestSchema = agentSettingsSchema.partial().strict();
/** `PUT /agents/{agentId}/logs/{day}` body. */
export const submitDailyLogRequestSchema = dailyLogInputSchema;
/** `PUT /agents/{agentId}/plans/{periodStart}` body. */
export const submitPlanRequestSchema = periodPlanInputSchema;

export const teamResponseSchema = teamSchema;
export const agentResponseSchema = agentSchema;
export const agentListSchema = z.object({ items: z.array(agentSchema) });
export const dailyLogResponseSchema = dailyLogSchema;
export const periodPlanResponseSchema = periodPlanSchema;

export const quotaProgressSchema = z.object({
  quota: z.number().int(),
  effective: z.number().int(),
  remaining: z.number().int(),
  met: z.boolean(),
  percent: z.number().int(),
});

/** `GET /agents/{agentId}/logs/{day}`: the stored log, or a draft pre-filled from the counters. */
export const dailyLogViewSchema = z.object({
  agentId: z.string(),
  teamId: z.string(),
  day: z.string(),
  figures: dayFiguresSchema,
  progress: quotaProgressSchema,
  newAgent: z.boolean(),
  /** When the log is due (the shift end), ISO instant. */
  deadline: z.string(),
  submitted: z.boolean(),
  log: dailyLogSchema.optional(),
});

/** `GET /teams/{teamId}/days/{day}`: each working agent's quota progress and log status. */
export const teamDaySchema = z.object({
  teamId: z.string(),
  day: z.string(),
  workingDay: z.boolean(),
  agents: z.array(
    z.object({
      agentId: z.string(),
      name: z.string().optional(),
      email: z.string().optional(),
      newAgent: z.boolean(),
      figures: dayFiguresSchema,
      progress: quotaProgressSchema,
      logSubmitted: z.boolean(),
      logLate: z.boolean(),
    }),
  ),
});

export const AGENT_REQUEST_SCHEMAS = {
  PutTeamRequest: putTeamRequestSchema,
  UpdateAgentRequest: updateAgentRequestSchema,
  SubmitDailyLogRequest: submitDailyLogRequestSchema,
  SubmitPlanRequest: submitPlanRequestSchema,
} satisfies Record<string, z.ZodType>;

export const AGENT_RESPONSE_SCHEMAS = {
  Team: teamResponseSchema,
  Agent: agentResponseSchema,
  AgentList: agentListSchema,
  DailyLog: dailyLogResponseSchema,
  DailyLogView: dailyLogViewSchema,
  PeriodPlan: periodPlanResponseSchema,
  TeamDay: teamDaySchema,
} satisfies Record<string, z.ZodType>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const body = (name: string) => ({ 'application/json': { schema: ref(name) } });
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const teamId = pathParam('teamId', 'Team id (the Connect hierarchy group id for teams from the roster).');
const agentId = pathParam('agentId', 'Agent id (the Connect user id).');
const day = pathParam('day', "A local day of the agent's team, YYYY-MM-DD.");
const periodStart = pathParam('periodStart', 'First day of the plan period: the 1st (month) or the 16th (half).');

/** OpenAPI operations of the agent routes, keyed `METHOD /path` as the router declares them. */
export const AGENT_OPERATIONS = {
  'GET /teams/{teamId}': {
    operationId: 'getTeam',
    summary: "A team's settings: lead e-mails, zone, shift end, working days, holidays, quotas",
    parameters: [teamId],
    responses: { 200: { description: 'The team', content: body('Team') }, 404: responseRef('NotFound') },
  },
  'PUT /teams/{teamId}': {
    operationId: 'putTeam',
    summary: 'Create or replace the settings of a team (planners, team leads)',
    parameters: [teamId],
    requestBody: 'PutTeamRequest',
    responses: { 200: { description: 'The team', content: body('Team') }, 400: responseRef('BadRequest') },
  },
  'GET /teams/{teamId}/agents': {
    operationId: 'listTeamAgents',
    summary: "A team's agents (planners, team leads)",
    parameters: [teamId],
    responses: { 200: { description: 'The agents', content: body('AgentList') }, 404: responseRef('NotFound') },
  },
  'GET /teams/{teamId}/days/{day}': {
    operationId: 'getTeamDay',
    summary: "Every working agent's quota progress and daily log status on a day (planners, team leads)",
    parameters: [teamId, day],
    responses: {
      200: { description: 'The day', content: body('TeamDay') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
    },
  },
  'GET /agents/{agentId}': {
    operationId: 'getAgent',
    summary: 'An agent (the agent themself, planners, team leads)',
    parameters: [agentId],
    responses: { 200: { description: 'The agent', content: body('Agent') }, 404: responseRef('NotFound') },
  },
  'PATCH /agents/{agentId}': {
    operationId: 'updateAgent',
    summary: 'Set start date, days off, API identity or team of an agent (planners, team leads)',
    parameters: [agentId],
    requestBody: 'UpdateAgentRequest',
    responses: {
      200: { description: 'The agent', content: body('Agent') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
    },
  },
  'GET /agents/{agentId}/logs/{day}': {
    operationId: 'getDailyLog',
    summary: "A day's log, or a draft pre-filled from the counters (the agent, planners, team leads)",
    parameters: [agentId, day],
    responses: {
      200: { description: 'The log view', content: body('DailyLogView') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
    },
  },
  'PUT /agents/{agentId}/logs/{day}': {
    operationId: 'submitDailyLog',
    summary: 'Submit the daily log (the agent only)',
    description:
      'Before the deadline (the shift end) a resubmission replaces the log. After it, a first log is marked late, ' +
      'and a correction of an on-time log is kept beside it as `lateAmendment`.',
    parameters: [agentId, day],
    requestBody: 'SubmitDailyLogRequest',
    responses: {
      200: { description: 'The stored log', content: body('DailyLog') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'PUT /agents/{agentId}/plans/{periodStart}': {
    operationId: 'submitPlan',
    summary: 'Submit the half-month or month plan (the agent only)',
    parameters: [agentId, periodStart],
    requestBody: 'SubmitPlanRequest',
    responses: {
      200: { description: 'The stored plan', content: body('PeriodPlan') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
    },
  },
};
