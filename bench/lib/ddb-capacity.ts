/**
 * DynamoDB on-demand request units, counted the way AWS bills them, for the cost suite.
 *
 * Why not DynamoDB Local's `ReturnConsumedCapacity`: for TransactWriteItems it is wrong in both directions (probed
 * with the jar of amplify-dynamodb-simulator 2.9.30, November 2026): it reports 4 units for one small item where AWS
 * bills 2, and the same 4 units for five small items where AWS bills 10. Its reads (GetItem, BatchGetItem, Query, Scan) match the rules
 * for the items they find and are taken as reported, plus what Local leaves out for what they do not find
 * ({@link unreportedReadUnits}). Writes are therefore computed here from each written item's image before and after
 * the request, by the rules of the DynamoDB developer guide:
 * - table: ⌈max(size before, size after) / 1 KB⌉ write units per item (at least 1), ×2 inside TransactWriteItems
 *   (ConditionCheck included); a failed condition still bills the item's size;
 * - each GSI: nothing when the item is in the index neither before nor after, or when neither its index key nor a
 *   projected attribute changed; one write of the index entry's size (index keys, table keys and projected
 *   attributes) when it enters, leaves or changes in place; two (delete + put) when its index key changes. Index
 *   writes are billed at the standard rate even for a transaction: a transaction's changes propagate to GSIs after
 *   it completes (developer guide, "DynamoDB Transactions: how it works"); an assumption, stated where it is used.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, NativeAttributeValue>;

export interface MeteredIndex {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface MeteredTable {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly MeteredIndex[];
}

const KB = 1024;

/** Size in bytes of a value as DynamoDB counts it (attribute names are added by the caller). */
export function valueSize(value: NativeAttributeValue): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let total = 0;
    for (const v of value) total += valueSize(v as NativeAttributeValue);
    return total;
  }
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (
    typeof value === 'object' &&
    'value' in value &&
    typeof value.value === 'string' &&
    Object.keys(value).length === 1
  )
    return numberSize(value.value); // lib-dynamodb's NumberValue
  return (
    3 +
    Object.entries(value as Record<string, NativeAttributeValue>).reduce(
      (sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v),
      0,
    )
  );
}

/** A number: one byte per two significant digits, plus one (leading and trailing zeroes trimmed). */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Size in bytes of an item: the UTF-8 length of every attribute name plus the size of its value. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return total;
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

/** The item as the index stores it, or undefined when the item is not in the (sparse) index. */
function indexEntry(item: Item | undefined, table: MeteredTable, index: MeteredIndex): Item | undefined {
  if (!item || item[index.partitionKey] === undefined || item[index.sortKey] === undefined) return undefined;
  if (index.projection === 'ALL') return item;
  const keys = [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey];
  return Object.fromEntries(keys.map((k) => [k, item[k]]));
}

const same = (a: Item, b: Item) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(String).sort();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}

export interface WriteUnits {
  table: number;
  indexes: Record<string, number>;
}

/**
 * Write units of one item written from `before` to `after` (either absent: a put of a new item, a delete).
 * `failed`: the request's condition failed, nothing changed, the item's size is billed anyway and no index moves.
 */
export function writeUnits(
  before: Item | undefined,
  after: Item | undefined,
  table: MeteredTable,
  options: { transactional: boolean; failed?: boolean },
): WriteUnits {
  const factor = options.transactional ? 2 : 1;
  if (options.failed) return { table: factor * units(itemSize(before)), indexes: {} };
  const out: WriteUnits = { table: factor * units(Math.max(itemSize(before), itemSize(after))), indexes: {} };
  for (const index of table.indexes) {
    const was = indexEntry(before, table, index);
    const is = indexEntry(after, table, index);
    let n = 0;
    if (was && is) {
      const moved = was[index.partitionKey] !== is[index.partitionKey] || was[index.sortKey] !== is[index.sortKey];
      if (moved) n = units(itemSize(was)) + units(itemSize(is));
      else if (!same(was, is)) n = units(Math.max(itemSize(was), itemSize(is)));
    } else if (was) n = units(itemSize(was));
    else if (is) n = units(itemSize(is));
    if (n > 0) out.indexes[index.name] = n;
  }
  return out;
}

type KeyOf = { tableName: string; key: Item };
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What the meter has counted since it was created or last reset. */
export interface CapacityCounts {
  readUnits: number;
  writeUnits: number;
  /** Write units per item kind and index (`<kind>` or `<kind>/<index>`), for the breakdown in logs and docs. */
  writeUnitsBy: Record<string, number>;
  requests: number;
}

export interface CapacityMeter {
  /** Counting is on while true; requests made while it is false are neither counted nor slowed down. */
  counting: boolean;
  readonly counts: CapacityCounts;
  reset(): void;
}

const READS = /^(Get|BatchGet|Query|Scan)/;
const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

/**
 * Counts the request units of every request sent through `client` while `meter.counting` is on: reads as DynamoDB
 * Local reports them, writes by {@link writeUnits} from the items' images read before and after the request with
 * `images` (a client without this middleware). Requests must not run concurrently on the same items (the bench
 * replays one input at a time). Only lib-dynamodb commands are understood: their inputs are plain values.
 */
export function meterCapacity(
  client: DynamoDBDocumentClient,
  images: DynamoDBDocumentClient,
  tables: Readonly<Record<string, MeteredTable>>,
  /** Names the kind of an item (`attempt`, `counter`…) so that `writeUnitsBy` breaks the table's units down by kind. */
  kindOf: (key: Item) => string = () => 'item',
): CapacityMeter {
  const counts: CapacityCounts = { readUnits: 0, writeUnits: 0, writeUnitsBy: {}, requests: 0 };
  const meter: CapacityMeter = {
    counting: false,
    counts,
    reset() {
      counts.readUnits = 0;
      counts.writeUnits = 0;
      counts.writeUnitsBy = {};
      counts.requests = 0;
    },
  };
  const shapeOf = (name: string) => {
    const shape = tables[name];
    if (!shape) throw new Error(`the capacity meter does not know table ${name}`);
    return shape;
  };
  const keyOf = (name: string, item: Item): Item => {
    const shape = shapeOf(name);
    const key = { [shape.partitionKey]: item[shape.partitionKey], [shape.sortKey]: item[shape.sortKey] };
    for (const v of Object.values(key))
      if (typeof v !== 'string') throw new Error('the capacity meter expects lib-dynamodb (plain) string keys');
    return key;
  };
  const read = async (keys: KeyOf[]): Promise<(Item | undefined)[]> => {
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += 100) {
      const byTable: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
      for (const k of keys.slice(i, i + 100)) {
        byTable[k.tableName] ??= { Keys: [], ConsistentRead: true };
        byTable[k.tableName]?.Keys.push(k.key);
      }
      let request: typeof byTable | undefined = byTable;
      while (request && Object.keys(request).length > 0) {
        const out = await images.send(new BatchGetCommand({ RequestItems: request }));
        for (const [tableName, items] of Object.entries(out.Responses ?? {}))
          for (const item of items) found.set(id(tableName, keyOf(tableName, item)), item);
        request = out.UnprocessedKeys as typeof byTable | undefined;
      }
    }
    return keys.map((k) => found.get(id(k.tableName, k.key)));
  };
  const add = (k: KeyOf, w: WriteUnits) => {
    const by = (label: string, n: number) => {
      counts.writeUnits += n;
      counts.writeUnitsBy[label] = (counts.writeUnitsBy[label] ?? 0) + n;
    };
    const kind = kindOf(k.key);
    by(`${kind}`, w.table);
    for (const [index, n] of Object.entries(w.indexes)) by(`${kind}/${index}`, n);
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      if (!meter.counting || !(READS.test(command) || WRITES.test(command))) return next(args);
      counts.requests++;
      const input = args.input as Record<string, unknown>;
      if (READS.test(command)) {
        input.ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        const output = out.output as Record<string, unknown>;
        const consumed = output.ConsumedCapacity;
        let reported = 0;
        for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
        }[])
          reported += c.CapacityUnits ?? 0;
        counts.readUnits += reported + unreportedReadUnits(command, input, output, reported);
        return out;
      }
      const touched = writtenKeys(command, input, keyOf);
      const transactional = command.startsWith('TransactWrite');
      const before = await read(touched);
      try {
        const out = await next(args);
        const after = await read(touched);
        touched.forEach((k, i) => {
          const check = transactional && isConditionCheck(input, i);
          add(
            k,
            check
              ? writeUnits(before[i], undefined, shapeOf(k.tableName), { transactional, failed: true })
              : writeUnits(before[i], after[i], shapeOf(k.tableName), { transactional }),
          );
        });
        return out;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') {
          touched.forEach((k, i) => {
            add(k, writeUnits(before[i], undefined, shapeOf(k.tableName), { transactional, failed: true }));
          });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'capacityMeter' },
  );
  return meter;
}

/**
 * What DynamoDB Local leaves out of its read figures: AWS bills a Query, Scan or GetItem that finds nothing the
 * minimum (one unit, half when eventually consistent), and a BatchGetItem each key as a GetItem, found or not; Local
 * reports 0 for those.
 */
function unreportedReadUnits(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  reported: number,
): number {
  const unit = (consistent: unknown) => (consistent === true ? 1 : 0.5);
  if (!command.startsWith('BatchGet')) return Math.max(0, unit(input.ConsistentRead) - reported);
  let missing = 0;
  const requests = (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
  const responses = (output.Responses ?? {}) as Record<string, unknown[]>;
  const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
  for (const [tableName, request] of Object.entries(requests)) {
    const absent =
      (request.Keys?.length ?? 0) - (responses[tableName]?.length ?? 0) - (unprocessed[tableName]?.Keys?.length ?? 0);
    missing += Math.max(0, absent) * unit(request.ConsistentRead);
  }
  return missing;
}

function id(tableName: string, key: Item): string {
  return `${tableName}|${JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)))}`;
}

function isConditionCheck(input: Record<string, unknown>, i: number): boolean {
  return (input.TransactItems as TransactItem[] | undefined)?.[i]?.ConditionCheck !== undefined;
}

/** The items a write request touches, in the order of its actions. */
function writtenKeys(
  command: string,
  input: Record<string, unknown>,
  keyOf: (tableName: string, item: Item) => Item,
): KeyOf[] {
  const one = (tableName: string, itemOrKey: Item) => ({ tableName, key: keyOf(tableName, itemOrKey) });
  if (command.startsWith('TransactWrite')) {
    return ((input.TransactItems ?? []) as TransactItem[]).map((a) => {
      const action = a.Put ?? a.Update ?? a.Delete ?? a.ConditionCheck;
      if (!action?.TableName) throw new Error('a transaction action without a table');
      return one(action.TableName, ('Item' in action ? action.Item : action.Key) as Item);
    });
  }
  if (command.startsWith('BatchWrite')) {
    const requests = (input.RequestItems ?? {}) as Record<
      string,
      { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
    >;
    return Object.entries(requests).flatMap(([tableName, list]) =>
      list.map((r) => one(tableName, (r.PutRequest?.Item ?? r.DeleteRequest?.Key) as Item)),
    );
  }
  return [one(String(input.TableName), (input.Item ?? input.Key) as Item)];
}
