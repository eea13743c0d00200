/**
 * The physical shape of outcall's DynamoDB tables, shared by the CDK stack and the local stand-in so that both create
 * exactly the same keys and indexes. See docs/data-model.md for the access patterns behind each index.
 */

export interface KeyPair {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexSpec extends KeyPair {
  readonly name: string;
  /** KEYS_ONLY keeps a sparse index cheap when readers fetch the item anyway. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableSpec extends KeyPair {
  readonly indexes: readonly IndexSpec[];
  readonly ttlAttribute?: string;
  /** The table's stream, when it has one: what each record carries. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
}

/** The single operational table: campaigns, lists, contacts, attempts, phones, counters, agents, QA, orders. */
export const MAIN_TABLE: TableSpec = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * The counters are applied from the attempts' records: the difference between what the new and the old image had
   * counted (docs/data-model.md "Counters"), so both images are needed.
   */
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    /** Overloaded: campaigns by state, agents by team, QA queue, orders by campaign. */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    /** Overloaded: QA items by agent, orders by agent. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
    /**
     * Overloaded, keys only, for items written often and read rarely: attempts by agent and day (QA sampling reads
     * the keys, then the attempts by key). A key-only entry is written when its key changes, not on every write of
     * the item, and is a fraction of a write unit.
     */
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'KEYS_ONLY' },
    /** Sparse due index: only contacts waiting to be dialed carry duePk. */
    { name: 'due', partitionKey: 'duePk', sortKey: 'dueSk', projection: 'KEYS_ONLY' },
  ],
};

/** Powertools idempotency store; its attribute names are the library's defaults. */
export const IDEMPOTENCY_TABLE = {
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;
