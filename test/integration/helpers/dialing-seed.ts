import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contactKey, dueIndexKey, dueShard, phoneStatusKey } from '#shared/adapters/dynamodb/keys';

/** A contact to seed, in the shape intake leaves a released contact (docs/data-model.md). */
export interface SeedContact {
  n: number;
  zone?: string;
  numberType?: 'mobile' | 'fixedLine';
  priority?: number;
  dueAt?: string;
  state?: string;
  attempts?: number;
  recentAttempts?: string[];
  dnc?: boolean;
  name?: string;
}

/** A stable fake phoneKey (22 base64url characters) for test number `n`. */
export const phoneKeyOf = (n: number) => createHash('sha256').update(String(n)).digest('base64url').slice(0, 22);
export const e164Of = (n: number) => `+86138${String(n).padStart(8, '0')}`;

export function contactItem(campaignId: string, c: SeedContact): Record<string, unknown> {
  const phoneKey = phoneKeyOf(c.n);
  const zone = c.zone ?? 'Asia/Shanghai';
  const priority = c.priority ?? ((c.numberType ?? 'mobile') === 'mobile' ? 2 : 3);
  const dueAt = c.dueAt ?? '2027-01-01T00:00:00.000Z';
  return {
    ...contactKey(campaignId, phoneKey),
    ...dueIndexKey(campaignId, zone, dueShard(phoneKey), priority, dueAt, phoneKey),
    campaignId,
    listId: 'l-1',
    row: c.n + 1,
    phoneKey,
    e164: e164Of(c.n),
    numberType: c.numberType ?? 'mobile',
    zone,
    attributes: { name: c.name ?? `客户${c.n}`, company: '乐源', extra: {} },
    state: c.state ?? 'new',
    attempts: c.attempts ?? 0,
    ...(c.recentAttempts ? { recentAttempts: c.recentAttempts } : {}),
    createdAt: '2027-01-01T00:00:00.000Z',
  };
}

/** Writes contacts (and DNC STATUS items) with BatchWriteItem, 25 at a time, re-sending unprocessed items. */
export async function seedContacts(
  client: DynamoDBDocumentClient,
  table: string,
  campaignId: string,
  contacts: readonly SeedContact[],
  concurrency = 8,
): Promise<void> {
  const items: Record<string, unknown>[] = [];
  for (const c of contacts) {
    items.push(contactItem(campaignId, c));
    if (c.dnc)
      items.push({ ...phoneStatusKey(phoneKeyOf(c.n)), dnc: { source: 'request', at: '2027-01-01T00:00:00Z' } });
  }
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < chunks.length) {
        let requests = (chunks[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    }),
  );
}
