import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoffMs } from '#shared/adapters/dynamodb/batch-get';
import { ContactWriteError } from '#shared/adapters/dynamodb/contact-store';
import { phoneStatusKey } from '#shared/adapters/dynamodb/keys';
import type { DncStore } from '#shared/ports/contact-store';

const UPDATES_PER_TRANSACTION = 100;
const MAX_ATTEMPTS = 12;

export interface DynamoDbDncStoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * DNC entries on the numbers' STATUS items. `if_not_exists` keeps an older entry (a customer's own request says more
 * than an imported file), and makes a re-run of the same file a no-op. The entry holds no number: the key is the hash.
 */
export class DynamoDbDncStore implements DncStore {
  readonly batchSize = UPDATES_PER_TRANSACTION;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(config: DynamoDbDncStoreConfig) {
    this.#client = config.client;
    this.#table = config.tableName;
    this.#sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async addEntries(phoneKeys: readonly string[], entry: { source: string; at: string; listId: string }): Promise<void> {
    for (let i = 0; i < phoneKeys.length; i += UPDATES_PER_TRANSACTION) {
      const keys = [...new Set(phoneKeys.slice(i, i + UPDATES_PER_TRANSACTION))];
      for (let attempt = 0; ; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new ContactWriteError('DNC import transaction kept failing');
        try {
          await this.#client.send(
            new TransactWriteCommand({
              TransactItems: keys.map((k) => ({
                Update: {
                  TableName: this.#table,
                  Key: phoneStatusKey(k),
                  UpdateExpression: 'SET dnc = if_not_exists(dnc, :entry)',
                  ExpressionAttributeValues: { ':entry': entry },
                },
              })),
            }),
          );
          break;
        } catch (error) {
          const name = (error as { name?: string }).name ?? '';
          if (!['TransactionCanceledException', 'ThrottlingException', 'InternalServerError'].includes(name)) {
            throw error;
          }
          await this.#sleep(backoffMs(attempt + 1));
        }
      }
    }
  }
}
