import { readFile } from 'node:fs/promises';
import * as z from 'zod';

const priceSchema = z.object({
  usd: z.number().nonnegative(),
  per: z.number().positive(),
  unit: z.string().min(1),
});

/** bench/prices.json: list prices as "usd per `per` units", so that the file reads like the pricing pages. */
export const priceTableSchema = z.object({
  _source: z.string().min(1),
  region: z.string().min(1),
  currency: z.literal('USD'),
  prices: z.record(z.string().regex(/^[a-z0-9]+\.[A-Za-z0-9]+$/), priceSchema),
});
export type PriceTable = z.infer<typeof priceTableSchema>;

export class UnknownPriceError extends Error {
  override name = 'UnknownPriceError';
}

/** Loads and validates a price table (default: bench/prices.json). */
export async function loadPrices(file: string | URL = new URL('../prices.json', import.meta.url)): Promise<PriceTable> {
  return priceTableSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** Cost in USD of `quantity` units of a priced item, e.g. `costUsd(prices, 'dynamodb.writeRequestUnit', 25_000)`. */
export function costUsd(table: PriceTable, item: string, quantity: number): number {
  const price = table.prices[item];
  if (!price) throw new UnknownPriceError(`no price for "${item}" in bench/prices.json`);
  return (price.usd / price.per) * quantity;
}

/** Sum of the costs of several counted items, e.g. a suite's request counters. */
export function totalCostUsd(table: PriceTable, quantities: Readonly<Record<string, number>>): number {
  return Object.entries(quantities).reduce((sum, [item, quantity]) => sum + costUsd(table, item, quantity), 0);
}
