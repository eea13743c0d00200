import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  agentKey,
  counterKey,
  dailyLogKey,
  periodPlanKey,
  sentMarkerKey,
  teamAgentIndexKey,
  teamKey,
  teamsIndexKey,
} from '#shared/adapters/dynamodb/keys';
import {
  type Agent,
  agentSchema,
  type DailyLog,
  dailyLogSchema,
  isMailableAddress,
  type PeriodPlan,
  periodPlanSchema,
  type Team,
  teamSchema,
} from '#shared/domain/agents/agent';
import { COUNTER_FIELDS, type Counters, sumCounters } from '#shared/domain/counters';
import { ConflictError } from '#shared/domain/errors';
import type { AgentStore, SentMarker, SentMarkers } from '#shared/ports/agent-store';

/** An item read back does not match its schema: a bug or a manual edit. */
export class StoredAgentItemInvalidError extends Error {
  override readonly name = 'StoredAgentItemInvalidError';
}

/**
 * An agent or team to be written does not match the schema its reads check: refused, as a stored item that no read
 * accepts would make its whole team unreadable (reminders, roster sync, lists). A bug in the caller.
 */
export class AgentItemRefusedError extends Error {
  override readonly name = 'AgentItemRefusedError';
}

/**
 * Agents as read. An e-mail address outcall cannot mail (`li&si@x.cn`) reads as none: the roster sync stored such
 * addresses from Connect unchecked before it checked them, and the sync now stores the agent without one anyway.
 */
const storedAgentSchema = z.preprocess((item) => {
  if (typeof item !== 'object' || item === null) return item;
  const { email, ...rest } = item as Record<string, unknown>;
  return typeof email === 'string' && !isMailableAddress(email) ? rest : item;
}, agentSchema);

export interface DynamoDbAgentStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Agents, teams, logs, plans and sent markers in the main table (docs/data-model.md, patterns 17 and 22–24). */
export class DynamoDbAgentStore implements AgentStore, SentMarkers {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(config: DynamoDbAgentStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
  }

  async getTeam(teamId: string): Promise<Team | undefined> {
    return this.#get(teamKey(teamId), teamSchema);
  }

  async putTeam(team: Team): Promise<void> {
    const checked = writable(teamSchema, team, `team ${team.id}`);
    await this.#put({ ...checked, ...teamKey(team.id), ...teamsIndexKey(team.id), entity: 'team' });
  }

  async listTeams(): Promise<Team[]> {
    return this.#queryIndex(teamsIndexKey('').gsi1pk, teamSchema);
  }

  async getAgent(agentId: string): Promise<Agent | undefined> {
    return this.#get(agentKey(agentId), storedAgentSchema);
  }

  async putAgent(agent: Agent): Promise<void> {
    const checked = writable(agentSchema, agent, `agent ${agent.id}`);
    const index = checked.teamId === undefined ? {} : teamAgentIndexKey(checked.teamId, checked.id);
    await this.#put({ ...checked, ...agentKey(checked.id), ...index, entity: 'agent' });
  }

  async listTeamAgents(teamId: string): Promise<Agent[]> {
    return this.#queryIndex(teamAgentIndexKey(teamId, '').gsi1pk, storedAgentSchema);
  }

  async getDailyLog(agentId: string, day: string): Promise<DailyLog | undefined> {
    return this.#get(dailyLogKey(agentId, day), dailyLogSchema);
  }

  async getDailyLogs(agentIds: readonly string[], day: string): Promise<Map<string, DailyLog>> {
    const items = await this.#batchGet(agentIds.map((id) => dailyLogKey(id, day)));
    return new Map(items.map((item) => parse(dailyLogSchema, item)).map((log) => [log.agentId, log]));
  }

  async saveDailyLog(log: DailyLog, expectedSubmissions: number): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...log, ...dailyLogKey(log.agentId, log.day), entity: 'dailyLog' },
          ...(expectedSubmissions === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'submissions = :n',
                ExpressionAttributeValues: { ':n': expectedSubmissions },
              }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('the log was submitted at the same time from elsewhere');
      throw error;
    }
  }

  async getPlans(agentIds: readonly string[], periodStart: string): Promise<Map<string, PeriodPlan>> {
    const items = await this.#batchGet(agentIds.map((id) => periodPlanKey(id, periodStart)));
    return new Map(items.map((item) => parse(periodPlanSchema, item)).map((plan) => [plan.agentId, plan]));
  }

  async putPlan(plan: PeriodPlan): Promise<void> {
    await this.#put({ ...plan, ...periodPlanKey(plan.agentId, plan.periodStart), entity: 'periodPlan' });
  }

  async agentDayCounters(agentId: string, day: string): Promise<Counters> {
    const { pk } = counterKey('AGENT', agentId, day);
    const { Items = [] } = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: { ':pk': pk, ':day': `DAY#${day}#` },
      }),
    );
    return sumCounters(Items.map(countersOf));
  }

  async claim(marker: SentMarker, at: Date, staleBefore: Date): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...markerKey(marker), entity: 'sent', claimedAt: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':stale': staleBefore.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async confirm(marker: SentMarker, at: Date): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: markerKey(marker),
        UpdateExpression: 'SET sentAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  async release(marker: SentMarker): Promise<void> {
    await this.#client
      .send(
        new DeleteCommand({
          TableName: this.#table,
          Key: markerKey(marker),
          // Never undo a marker of a message that did go out.
          ConditionExpression: 'attribute_not_exists(sentAt)',
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async #get<S extends z.ZodType>(key: { pk: string; sk: string }, schema: S): Promise<z.output<S> | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
    );
    return Item ? parse(schema, Item) : undefined;
  }

  async #put(item: Record<string, unknown>): Promise<void> {
    await this.#client.send(new PutCommand({ TableName: this.#table, Item: item }));
  }

  async #queryIndex<S extends z.ZodType>(gsi1pk: string, schema: S): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': gsi1pk },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(parse(schema, item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async #batchGet(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    return batchGetAll(this.#client, this.#table, keys, { consistentRead: true });
  }
}

function markerKey(marker: SentMarker) {
  return sentMarkerKey(marker.kind, marker.scope, marker.period, marker.recipient);
}

function countersOf(item: Record<string, unknown>): Counters {
  const counters: Counters = {};
  for (const field of COUNTER_FIELDS) {
    const value = item[field];
    if (typeof value === 'number') counters[field] = value;
  }
  return counters;
}

function parse<S extends z.ZodType>(schema: S, item: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(item);
  if (!result.success)
    throw new StoredAgentItemInvalidError(`stored item ${String(item.pk)}/${String(item.sk)} is invalid`);
  return result.data;
}

/** What is written is what a read returns (trimmed, defaults filled in), and nothing a read would refuse. */
function writable<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  // The item's id only: its fields may hold a name or an address.
  if (!result.success) throw new AgentItemRefusedError(`${what} does not match its schema; not written`);
  return result.data;
}

function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ConditionalCheckFailedException';
}
