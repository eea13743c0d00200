import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';
import {
  attemptRef as attemptRefOf,
  attemptsOfAgentDayPk,
  counterKey,
  parseAttemptKey,
  QA_EVALUATION_PREFIX,
  qaAgentIndexKey,
  qaEvaluationKey,
  qaItemKey,
  qaQueueIndexKey,
  scorecardKey,
  teamAgentIndexKey,
  teamsIndexKey,
} from '#shared/adapters/dynamodb/keys';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors';
import { type Evaluation, evaluationSchema, type QaItem, qaItemSchema } from '#shared/domain/qa/queue';
import { type Scorecard, scorecardSchema } from '#shared/domain/qa/scorecard';
import type {
  AttemptForQa,
  ClaimRequest,
  EvaluationWrite,
  QaStore,
  QueueFilter,
  QueuePage,
  TeamAgent,
} from '#shared/ports/qa-store';

/** A QA item or scorecard read back from the table does not match its schema: a bug or a manual edit. */
export class StoredQaItemInvalidError extends Error {
  override readonly name = 'StoredQaItemInvalidError';
}

export interface DynamoDbQaStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Conditional puts of one sampling run in flight at once. Default 10. */
  enqueueConcurrency?: number;
}

/**
 * The attempt item as outcomes writes it (keys in gsi3 `AGENTDAY#<agent>#<day>`), read tolerantly: only what sampling needs,
 * unknown attributes ignored. `complaint` / `doNotCall` flags are taken when the item has them, else from the default
 * disposition codes; `recording` may be `{ bucket, key }` or an `s3://bucket/key` string.
 */
const attemptItemSchema = z.object({
  campaignId: z.string().min(1),
  phoneKey: z.string().min(1),
  attempt: z.coerce.number().int().min(1),
  agentId: z.string().min(1),
  attemptRef: z.string().optional(),
  team: z.string().optional(),
  teamId: z.string().optional(),
  connectContactId: z.string().optional(),
  disposition: z.string().optional(),
  talkSeconds: z.coerce.number().min(0).default(0),
  effective: z.boolean().default(false),
  complaint: z.boolean().optional(),
  doNotCall: z.boolean().optional(),
  dnc: z.boolean().optional(),
  recording: z.union([z.object({ bucket: z.string().min(1), key: z.string().min(1) }), z.string()]).optional(),
  recordingLocation: z.string().optional(),
});

const cursorSchema = z.record(z.string(), z.string());

/**
 * Scorecards, the QA queue and evaluations in the main table (docs/data-model.md, docs/qa.md). Every once-only
 * change is conditional: a scorecard version and a queued call are put if absent, a claim updates only a free item,
 * and an evaluation is one transaction (evaluation put, item update guarded by `evaluationCount`, three counter ADDs),
 * so its counters change exactly once.
 */
export class DynamoDbQaStore implements QaStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #concurrency: number;

  constructor(config: DynamoDbQaStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#concurrency = config.enqueueConcurrency ?? 10;
  }

  async putScorecard(card: Scorecard): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...scorecardKey(card.id, card.version), entity: 'scorecard', ...card },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`scorecard ${card.id} version ${card.version} exists; reload it and edit again`);
      }
      throw error;
    }
  }

  async getScorecard(id: string, version?: number): Promise<Scorecard | undefined> {
    if (version !== undefined) {
      const { Item } = await this.#client.send(
        new GetCommand({ TableName: this.#table, Key: scorecardKey(id, version), ConsistentRead: true }),
      );
      return Item ? parseStored(scorecardSchema, Item, `scorecard ${id}`) : undefined;
    }
    const { Items = [] } = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': scorecardKey(id, 1).pk, ':v': 'V#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const [latest] = Items;
    return latest ? parseStored(scorecardSchema, latest, `scorecard ${id}`) : undefined;
  }

  async attemptsOfAgentDay(agentId: string, day: string): Promise<AttemptForQa[]> {
    // The index holds keys only (outcomes write the attempt far more often than sampling reads it): the attempts
    // themselves come by key, eventually consistent like the index, once a day per agent.
    const keys = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': attemptsOfAgentDayPk(agentId, day) },
    });
    const items = await batchGetAll(
      this.#client,
      this.#table,
      keys.map((k) => ({ pk: String(k.pk), sk: String(k.sk) })),
      { consistentRead: false, exhausted: () => new Error('attempt reads for QA sampling stayed unprocessed') },
    );
    const calls: AttemptForQa[] = [];
    for (const item of items) {
      // The index lags the table: an attempt that has since moved to another agent or day is that one's call.
      if (item.agentId !== agentId || (item.day !== undefined && item.day !== day)) continue;
      // Newer attempts keep their identity only in their key.
      const parsed = attemptItemSchema.safeParse({ ...parseAttemptKey({ pk: item.pk, sk: item.sk }), ...item });
      // An attempt without its identity cannot be linked from QA; it is not a call QA can score.
      if (!parsed.success) continue;
      calls.push(toAttemptForQa(parsed.data));
    }
    return calls;
  }

  async teamAgents(teamId: string): Promise<TeamAgent[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': teamAgentIndexKey(teamId, '').gsi1pk },
    });
    return items
      .filter((item) => typeof item.id === 'string' && item.active !== false)
      .map((item) => ({
        agentId: item.id as string,
        ...(typeof item.startDate === 'string' ? { startDate: item.startDate } : {}),
      }));
  }

  async listTeams(): Promise<{ teamId: string; timeZone: string }[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': teamsIndexKey('').gsi1pk },
    });
    return items
      .filter((item) => typeof item.id === 'string' && typeof item.timeZone === 'string')
      .map((item) => ({ teamId: item.id as string, timeZone: item.timeZone as string }));
  }

  async enqueue(items: readonly QaItem[]): Promise<{ added: number; alreadyQueued: number }> {
    let added = 0;
    let alreadyQueued = 0;
    for (let i = 0; i < items.length; i += this.#concurrency) {
      const chunk = items.slice(i, i + this.#concurrency);
      const results = await Promise.all(chunk.map((item) => this.#putIfAbsent(item)));
      for (const isNew of results) {
        if (isNew) added++;
        else alreadyQueued++;
      }
    }
    return { added, alreadyQueued };
  }

  async getItem(attemptRef: string): Promise<QaItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: qaItemKey(attemptRef), ConsistentRead: true }),
    );
    return Item ? parseStored(qaItemSchema, Item, `QA item ${attemptRef}`) : undefined;
  }

  async listQueue(filter: QueueFilter): Promise<QueuePage> {
    const pk = qaQueueIndexKey(filter.day, '', '', '', '').gsi1pk;
    const prefix =
      filter.teamId === undefined
        ? undefined
        : [filter.teamId, filter.campaignId, filter.agentId]
            .filter((part): part is string => part !== undefined)
            .map((part) => `${part}#`)
            .join('');
    let startKey = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, pk);
    const items: QaItem[] = [];
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: prefix === undefined ? 'gsi1pk = :pk' : 'gsi1pk = :pk AND begins_with(gsi1sk, :p)',
          ExpressionAttributeValues: {
            ':pk': pk,
            ...(prefix === undefined ? {} : { ':p': prefix }),
            ...(filter.state === undefined ? {} : { ':state': filter.state }),
          },
          ...(filter.state === undefined
            ? {}
            : { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } }),
          // Never more than still wanted, so the last evaluated key is always a valid place to resume from.
          Limit: filter.limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) items.push(parseStored(qaItemSchema, item, `QA item ${String(item.pk)}`));
      startKey = page.LastEvaluatedKey as Record<string, string> | undefined;
    } while (startKey && items.length < filter.limit);
    return startKey ? { items, cursor: encodeCursor(startKey) } : { items };
  }

  async listAgentItems(agentId: string, range: { from: string; to: string }): Promise<QaItem[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': qaAgentIndexKey(agentId, '', '').gsi2pk,
        ':from': `${range.from}#`,
        ':to': `${range.to}#~`,
      },
    });
    return items.map((item) => parseStored(qaItemSchema, item, `QA item ${String(item.pk)}`));
  }

  async claim(request: ClaimRequest): Promise<QaItem> {
    const common = {
      TableName: this.#table,
      Key: qaItemKey(request.attemptRef),
      ReturnValues: 'ALL_NEW' as const,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const command = request.calibration
      ? new UpdateCommand({
          ...common,
          UpdateExpression: 'SET calibrators.#me = :at',
          ConditionExpression: 'attribute_exists(pk) AND #state IN (:claimed, :scored) AND claimedBy <> :meValue',
          ExpressionAttributeNames: { '#me': request.evaluatorId, '#state': 'state' },
          ExpressionAttributeValues: {
            ':at': request.at,
            ':claimed': 'claimed',
            ':scored': 'scored',
            ':meValue': request.evaluatorId,
          },
        })
      : new UpdateCommand({
          ...common,
          UpdateExpression: 'SET #state = :claimed, claimedBy = :me, claimedAt = :at, claimExpiresAt = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (#state = :queued OR (#state = :claimed AND (claimedBy = :me OR claimExpiresAt < :at)))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':queued': 'queued',
            ':me': request.evaluatorId,
            ':at': request.at,
            ':until': request.expiresAt,
          },
        });
    try {
      const { Attributes } = await this.#client.send(command);
      return parseStored(qaItemSchema, Attributes ?? {}, `QA item ${request.attemptRef}`);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The item a failed condition returns is in DynamoDB's attribute-value form: the document client does not
      // translate error payloads.
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      if (old === undefined) throw new NotFoundError(`no QA item ${request.attemptRef}`);
      throw new ConflictError(claimRefusal(request, unmarshall(old)));
    }
  }

  async writeEvaluation(write: EvaluationWrite): Promise<void> {
    const { evaluation } = write;
    const n = write.expectedEvaluationCount + 1;
    const conditions = ['evaluationCount = :expected'];
    const values: Record<string, unknown> = { ':expected': write.expectedEvaluationCount, ':n': n };
    const names: Record<string, string> = {};
    let update = 'SET evaluationCount = :n';
    if (write.current) {
      update += ', #current = :current, #state = :scored';
      names['#current'] = 'current';
      names['#state'] = 'state';
      values[':current'] = {
        n,
        scoreTenths: evaluation.scoreTenths,
        criticalFailed: evaluation.criticalFailed,
        scorecardId: evaluation.scorecardId,
        scorecardVersion: evaluation.scorecardVersion,
        evaluatorId: evaluation.evaluatorId,
        at: evaluation.at,
      };
      values[':scored'] = 'scored';
    }
    if (write.requireClaimBy !== undefined) {
      conditions.push('claimedBy = :me', '#state = :claimedState');
      names['#state'] = 'state';
      values[':me'] = write.requireClaimBy;
      values[':claimedState'] = 'claimed';
    }
    const counterUpdates = write.current
      ? (
          [
            ['AGENT', write.current.item.agentId],
            ['TEAM', write.current.item.teamId],
            ['CAMPAIGN', write.current.item.campaignId],
          ] as const
        ).map(([scope, id]) => ({
          Update: {
            TableName: this.#table,
            Key: counterKey(scope, id, write.current?.item.day ?? ''),
            UpdateExpression: 'ADD qaCount :c, qaScoreSum :s, qaCritical :k',
            ExpressionAttributeValues: {
              ':c': write.current?.delta.qaCount ?? 0,
              // Tenths are integers; one division gives the exact decimal DynamoDB then adds exactly.
              ':s': (write.current?.delta.qaScoreSumTenths ?? 0) / 10,
              ':k': write.current?.delta.qaCritical ?? 0,
            },
          },
        }))
      : [];
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.#table,
                Item: { ...qaEvaluationKey(evaluation.attemptRef, n), entity: 'qaEvaluation', ...evaluation, n },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.#table,
                Key: qaItemKey(evaluation.attemptRef),
                UpdateExpression: update,
                ConditionExpression: conditions.join(' AND '),
                ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
                ExpressionAttributeValues: values,
              },
            },
            ...counterUpdates,
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError('the call was scored or claimed by someone else meanwhile; reload it and try again');
      }
      throw error;
    }
  }

  async listEvaluations(attemptRef: string): Promise<Evaluation[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': qaItemKey(attemptRef).pk, ':p': QA_EVALUATION_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => parseStored(evaluationSchema, item, `evaluation ${String(item.sk)} of ${attemptRef}`));
  }

  async #putIfAbsent(item: QaItem): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...qaItemKey(item.attemptRef),
            ...qaQueueIndexKey(item.day, item.teamId, item.campaignId, item.agentId, item.attemptRef),
            ...qaAgentIndexKey(item.agentId, item.day, item.attemptRef),
            entity: 'qaItem',
            ...item,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}

function toAttemptForQa(a: z.infer<typeof attemptItemSchema>): AttemptForQa {
  const code = a.disposition;
  const complaint = a.complaint ?? code === 'COMPLAINT';
  const dnc = a.doNotCall ?? a.dnc ?? (code === 'DO_NOT_CALL' || code === 'COMPLAINT');
  const recording = recordingOf(a.recording ?? a.recordingLocation);
  const teamId = a.teamId ?? a.team;
  return {
    attemptRef: a.attemptRef ?? attemptRefOf(a.campaignId, a.phoneKey, a.attempt),
    campaignId: a.campaignId,
    agentId: a.agentId,
    talkSeconds: a.talkSeconds,
    effective: a.effective,
    complaint,
    dnc,
    ...(teamId ? { teamId } : {}),
    ...(a.connectContactId ? { connectContactId: a.connectContactId } : {}),
    ...(code ? { disposition: code } : {}),
    ...(recording ? { recording } : {}),
  };
}

function recordingOf(value: { bucket: string; key: string } | string | undefined) {
  if (value === undefined || typeof value === 'object') return value;
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}

function claimRefusal(request: ClaimRequest, old: Record<string, unknown>): string {
  if (request.calibration) {
    if (old.claimedBy === request.evaluatorId) return 'you hold the primary claim on this call; score it instead';
    return 'a call can be calibrated once an evaluator has claimed it';
  }
  if (old.state === 'scored') return 'this call is scored already; claim it for calibration or revise the evaluation';
  return 'another evaluator holds this call; claim it for calibration to score it as well';
}

function parseStored<S extends z.ZodType>(schema: S, item: Record<string, unknown>, what: string): z.output<S> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new StoredQaItemInvalidError(`${what} does not match its schema`);
  return parsed.data;
}

function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, string> {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success && parsed.data.gsi1pk === pk) return parsed.data;
  } catch {
    // reported below
  }
  throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor of this queue listing' }]);
}

function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}
