import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/**
 * Send-once markers (`SENT#…` items, data-model pattern 22) with a claim that tells a message already sent from one
 * another run is sending: a failed claim is followed by a consistent read, and only a confirmed marker (`sentAt`)
 * answers 'sent'. A claim older than `staleBefore` and never confirmed belonged to a run that died; it is taken over.
 * Reports and order forms use it, each with its own key.
 */
export class DynamoDbSendOnceMarkers<M> {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #keyOf: (marker: M) => Record<string, string>;

  constructor(client: DynamoDBDocumentClient, tableName: string, keyOf: (marker: M) => Record<string, string>) {
    this.#client = client;
    this.#table = tableName;
    this.#keyOf = keyOf;
  }

  async claim(marker: M, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'> {
    const key = this.#keyOf(marker);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...key, entity: 'sent', state: 'pending', claimedAt: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':stale': staleBefore.toISOString() },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
    );
    // Released between the put and the read: 'busy', and the caller's retry claims it.
    return Item?.sentAt !== undefined ? 'sent' : 'busy';
  }

  async confirm(marker: M, at: Date): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: this.#keyOf(marker),
        UpdateExpression: 'SET sentAt = :at, #state = :sent',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':at': at.toISOString(), ':sent': 'sent' },
      }),
    );
  }

  /** Drops a pending claim after a failure so the next run need not wait for it to go stale. */
  async release(marker: M): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: this.#keyOf(marker),
          // Never undo the marker of a message that did go out.
          ConditionExpression: 'attribute_not_exists(sentAt)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
