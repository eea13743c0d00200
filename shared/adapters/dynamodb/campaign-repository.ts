import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dialingStatsKey } from '#shared/adapters/dynamodb/dialing-keys';
import { campaignKey, campaignStateIndexKey, TRANSITION_PREFIX, transitionKey } from '#shared/adapters/dynamodb/keys';
import { CAMPAIGN_STATES, type Campaign, type CampaignState, campaignSchema } from '#shared/domain/campaign';
import { ConflictError, ValidationError } from '#shared/domain/errors';
import type {
  CampaignPage,
  CampaignRepository,
  SaveOptions,
  TransitionRecord,
} from '#shared/ports/campaign-repository';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An item read back from the table does not match the schema: a bug or a manual edit, never the caller's fault. */
export class StoredItemInvalidError extends Error {
  override readonly name = 'StoredItemInvalidError';
}

const transitionRecordSchema = z.object({
  campaignId: z.string(),
  action: z.string(),
  from: z.enum(CAMPAIGN_STATES),
  to: z.enum(CAMPAIGN_STATES),
  actor: z.string(),
  reason: z.string().optional(),
  at: z.string(),
});

/** Position after the last item of a page: state index in `CAMPAIGN_STATES` and campaign id. */
const cursorSchema = z.object({
  s: z
    .number()
    .int()
    .min(0)
    .max(CAMPAIGN_STATES.length - 1),
  id: z.string().min(1),
});

const DEFAULT_LIMIT = 50;

export interface DynamoDbCampaignRepositoryConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Campaigns in the main table: one `META` item per campaign (indexed by state in gsi1) and one item per transition
 * under the same partition, sorted by time.
 *
 * Listing all campaigns queries the gsi1 partition of each state in turn (`CAMPAIGNS#draft`, `CAMPAIGNS#pilot`, …)
 * rather than keeping a constant "all campaigns" partition: gsi1 is overloaded, so one item cannot carry a second
 * gsi1 key, and another index for this would add a write to every campaign change for a rare admin listing. There are
 * few campaigns (Connect allows 50 active per instance), so seven small Queries are cheap, and nothing ever Scans.
 * The order is by state (lifecycle order), then id.
 */
export class DynamoDbCampaignRepository implements CampaignRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(config: DynamoDbCampaignRepositoryConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
  }

  async create(campaign: Campaign): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: toItem(campaign),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`campaign ${campaign.id} already exists`);
      throw error;
    }
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: campaignKey(campaignId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(filter: { state?: CampaignState; limit?: number; cursor?: string }): Promise<CampaignPage> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const states = filter.state === undefined ? CAMPAIGN_STATES : [filter.state];
    if (after && filter.state !== undefined && CAMPAIGN_STATES[after.s] !== filter.state) {
      throw new ValidationError('the cursor belongs to another listing', [
        { path: 'cursor', message: `not a cursor of the ${filter.state} listing` },
      ]);
    }
    const firstState = after?.s ?? 0;
    // One item more than asked for tells whether another page exists, so the last page never carries a cursor.
    const wanted = limit + 1;
    const items: Campaign[] = [];
    for (const state of states) {
      const s = CAMPAIGN_STATES.indexOf(state);
      if (s < firstState) continue;
      let startKey =
        after && s === after.s ? { ...campaignKey(after.id), ...campaignStateIndexKey(state, after.id) } : undefined;
      do {
        const page = await this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': campaignStateIndexKey(state, '').gsi1pk },
            Limit: wanted - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) items.push(fromItem(item));
        startKey = page.LastEvaluatedKey as typeof startKey;
      } while (startKey && items.length < wanted);
      if (items.length >= wanted) break;
    }
    const pageItems = items.slice(0, limit);
    const last = pageItems.at(-1);
    if (items.length <= limit || !last) return { items: pageItems };
    return { items: pageItems, cursor: encodeCursor({ s: CAMPAIGN_STATES.indexOf(last.state), id: last.id }) };
  }

  async save(
    campaign: Campaign,
    expectedRevision: number,
    transition?: TransitionRecord,
    options: SaveOptions = {},
  ): Promise<void> {
    const put = {
      TableName: this.#table,
      Item: toItem(campaign),
      ConditionExpression: 'revision = :expected',
      ExpressionAttributeValues: { ':expected': expectedRevision },
    };
    const conflict = () =>
      new ConflictError(
        `campaign ${campaign.id} was changed by someone else (it is no longer at revision ${expectedRevision}); reload it and try again`,
      );
    const items: TransactItem[] = [{ Put: put }];
    if (transition) {
      items.push({
        Put: {
          TableName: this.#table,
          // The new revision is unique per campaign, so it orders transitions stamped within one millisecond.
          Item: { ...transitionKey(campaign.id, transition.at, campaign.revision), type: 'Transition', ...transition },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (options.releaseDialingHold) {
      // The dialer's figures item (same partition): the hold goes with the transition or not at all, and the
      // counters on the item stay as they are.
      items.push({
        Update: {
          TableName: this.#table,
          Key: dialingStatsKey(campaign.id),
          UpdateExpression: 'REMOVE connectError, connectRetry',
        },
      });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        if (items.length === 1) await this.#client.send(new PutCommand(put));
        else await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        // The dispatcher writes the figures item every tick: a clash there alone is not a change to the campaign.
        if (options.releaseDialingHold && attempt < 4 && onlyConflictOn(error, items.length - 1)) {
          await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
          continue;
        }
        if (isConditionFailure(error)) throw conflict();
        throw error;
      }
    }
  }

  async listTransitions(campaignId: string): Promise<TransitionRecord[]> {
    const records: TransitionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': campaignKey(campaignId).pk, ':prefix': TRANSITION_PREFIX },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const parsed = transitionRecordSchema.safeParse(item);
        if (!parsed.success)
          throw new StoredItemInvalidError(`transition ${String(item.sk)} of ${campaignId} is invalid`);
        records.push(parsed.data);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}

function toItem(campaign: Campaign): Record<string, unknown> {
  return {
    ...campaignKey(campaign.id),
    ...campaignStateIndexKey(campaign.state, campaign.id),
    type: 'Campaign',
    ...campaign,
  };
}

function fromItem(item: Record<string, unknown>): Campaign {
  const parsed = campaignSchema.safeParse(item);
  if (!parsed.success) {
    throw new StoredItemInvalidError(
      `stored campaign ${String(item.pk)} does not match the schema: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/** Conditional check failures of a Put and of a transaction, and a transaction racing another one, are conflicts. */
function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}

/** A transaction cancelled only because item `index` was being written by another transaction. */
function onlyConflictOn(error: unknown, index: number): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return (
    reasons[index]?.Code === 'TransactionConflict' &&
    reasons.every((r, i) => i === index || (r.Code ?? 'None') === 'None')
  );
}

function encodeCursor(position: z.infer<typeof cursorSchema>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof cursorSchema> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError('the cursor is invalid', [{ path: 'cursor', message: 'not a cursor this API returned' }]);
  }
  return parsed.data;
}
