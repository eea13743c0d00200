import { describe, expect, it } from 'vitest';
import { itemSize, type MeteredTable, valueSize, writeUnits } from '../../../bench/lib/ddb-capacity.ts';

const table: MeteredTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    { name: 'all', partitionKey: 'apk', sortKey: 'ask', projection: 'ALL' },
    { name: 'keys', partitionKey: 'kpk', sortKey: 'ksk', projection: 'KEYS_ONLY' },
  ],
};
const big = 'x'.repeat(1500);

describe('item sizes (DynamoDB developer guide, "Item sizes and formats")', () => {
  it('counts names and UTF-8 bytes of strings', () => {
    expect(itemSize({ pk: 'abc', 名: '张三' })).toBe(2 + 3 + 3 + 6);
  });

  it('counts a number as one byte per two significant digits plus one, zeroes trimmed', () => {
    expect(valueSize(7)).toBe(2);
    expect(valueSize(12345)).toBe(4);
    expect(valueSize(1200)).toBe(2);
    expect(valueSize(-0.25)).toBe(2);
  });

  it('adds 3 bytes per map or list and 1 per element, and binary by its length', () => {
    expect(valueSize({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
    expect(valueSize(['xy', true])).toBe(3 + 1 + 2 + 1 + 1);
    expect(valueSize(new Uint8Array(10))).toBe(10);
    expect(valueSize(new Set(['ab', 'c']))).toBe(3);
  });
});

describe('write units', () => {
  it('bills the larger image per started KB, at least one, doubled in a transaction', () => {
    expect(writeUnits(undefined, { pk: 'a', sk: 'b' }, table, { transactional: false }).table).toBe(1);
    expect(writeUnits({ pk: 'a', sk: 'b', x: big }, { pk: 'a', sk: 'b' }, table, { transactional: false }).table).toBe(
      2,
    );
    expect(writeUnits({ pk: 'a', sk: 'b' }, { pk: 'a', sk: 'b', x: 1 }, table, { transactional: true }).table).toBe(2);
  });

  it('bills a failed condition by the existing item and moves no index', () => {
    const before = { pk: 'a', sk: 'b', apk: 'p', ask: 's', x: big };
    expect(writeUnits(before, undefined, table, { transactional: true, failed: true })).toEqual({
      table: 4,
      indexes: {},
    });
  });

  it('writes an ALL index on every change of the item, and a KEYS_ONLY one only when its key moves', () => {
    const before = { pk: 'a', sk: 'b', apk: 'p', ask: 's', kpk: 'k', ksk: 'k', x: big };
    const changed = { ...before, y: 1 };
    expect(writeUnits(before, changed, table, { transactional: false }).indexes).toEqual({ all: 2 });
    expect(writeUnits(before, { ...changed, ksk: 'k2' }, table, { transactional: false }).indexes).toEqual({
      all: 2,
      keys: 2,
    });
  });

  it('writes an index once when the item enters or leaves it, and not at all when it is in neither image', () => {
    const plain = { pk: 'a', sk: 'b', x: 1 };
    expect(writeUnits(plain, { ...plain, kpk: 'k', ksk: 'k' }, table, { transactional: false }).indexes).toEqual({
      keys: 1,
    });
    expect(writeUnits({ ...plain, apk: 'p', ask: 's' }, plain, table, { transactional: false }).indexes).toEqual({
      all: 1,
    });
    expect(writeUnits(plain, { ...plain, x: 2 }, table, { transactional: true }).indexes).toEqual({});
  });

  it('bills a delete by the deleted item and its index entries', () => {
    const before = { pk: 'a', sk: 'b', apk: 'p', ask: 's', x: big };
    expect(writeUnits(before, undefined, table, { transactional: false })).toEqual({ table: 2, indexes: { all: 2 } });
  });
});
