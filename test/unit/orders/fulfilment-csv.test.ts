import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import { updateOrder } from '#shared/use-cases/orders/fulfilment';
import { applyFulfilmentCsv, MAX_CSV_ROWS } from '#shared/use-cases/orders/fulfilment-csv';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { orderPlaced, ordersWorld, STORE } from '#test/unit/orders/world';

describe('applyFulfilmentCsv', () => {
  it('makes a row with more cells than the header invalid and applies the others', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const csv = [
      '订单号,状态,快递员,备注',
      `${orderId},已打包,,`,
      // A note with an unquoted comma: its cells cannot be placed under the header.
      `${orderId},配送中,k-1,门口,放门卫`,
      `${orderId},配送中,k-1,`,
    ].join('\n');
    const results = await applyFulfilmentCsv(w.deps, csv, STORE);
    expect(results).toMatchObject([
      { row: 1, result: 'applied', state: 'packed' },
      { row: 2, result: 'invalid', message: 'the row has 5 cells, the header 4 (a comma in a cell must be quoted)' },
      { row: 3, result: 'applied', state: 'outForDelivery' },
    ]);
  });

  it('reads missing trailing cells of a row as empty, and a quote inside an unquoted cell as a character', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const csv = `orderId,status,courierId,note\n${orderId},packed\n${orderId},outForDelivery,,门口"A"座`;
    const results = await applyFulfilmentCsv(w.deps, csv, STORE);
    expect(results).toMatchObject([
      { row: 1, result: 'applied', state: 'packed' },
      { row: 2, result: 'applied', state: 'outForDelivery' },
    ]);
    expect((await w.store.get(orderId))?.note).toBe('门口"A"座');
  });

  it('makes a row whose order id cannot be an order number invalid without reading it', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const reads: string[] = [];
    const get = w.store.get.bind(w.store);
    w.store.get = (id: string) => {
      reads.push(id);
      return get(id);
    };
    const csv = ['orderId,status', `${'x'.repeat(2100)},packed`, '王先生,packed', ',packed', `${orderId},packed`].join(
      '\n',
    );
    const results = await applyFulfilmentCsv(w.deps, csv, STORE);
    expect(results).toMatchObject([
      { row: 1, result: 'invalid', message: 'orderId: not an order number' },
      { row: 2, result: 'invalid', message: 'orderId: not an order number' },
      { row: 3, result: 'invalid', message: 'orderId: missing' },
      { row: 4, result: 'applied' },
    ]);
    expect(reads.every((id) => id === orderId)).toBe(true);
  });

  it("never echoes a cell's value in the results: an order id cell may hold the customer's phone number", async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    await updateOrder(w.deps, orderId, { status: 'cancelled' }, STORE);
    // A sheet whose 订单号 column was filled with the customer's mobile number, and one row that cannot apply.
    const results = await applyFulfilmentCsv(w.deps, `订单号,状态\n13800138000,已打包\n${orderId},已打包`, STORE);
    expect(results).toEqual([
      { row: 1, result: 'notFound', message: 'no such order' },
      { row: 2, result: 'refused', state: 'cancelled', message: 'the order is cancelled; it cannot become packed' },
    ]);
  });

  it('refuses a file of more than MAX_CSV_ROWS rows whole, rather than dropping the rows past it', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const rows = ['orderId,status', ...Array.from({ length: MAX_CSV_ROWS }, () => `${orderId},packed`)];
    rows.push(`${orderId},outForDelivery`);
    await expect(applyFulfilmentCsv(w.deps, rows.join('\n'), STORE)).rejects.toThrow(
      new ValidationError(`the fulfilment file has ${MAX_CSV_ROWS + 1} rows, over ${MAX_CSV_ROWS}: split it`),
    );
    expect((await w.store.get(orderId))?.state).toBe('placed');
    // Exactly the limit is applied.
    const results = await applyFulfilmentCsv(w.deps, rows.slice(0, -1).join('\n'), STORE);
    expect(results).toHaveLength(MAX_CSV_ROWS);
  });

  it('refuses a file it cannot read (an unclosed quote), or without the order and status columns, applying nothing', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const unclosed = ['orderId,status,note', `${orderId},packed,"left open`, `${orderId},outForDelivery,`].join('\n');
    const refusal = await applyFulfilmentCsv(w.deps, unclosed, STORE).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as Error).message).toBe(
      'the fulfilment file cannot be read as CSV: a quote opened in row 1 is never closed',
    );
    await expect(applyFulfilmentCsv(w.deps, `orderId,status,note\n${orderId},packed,"A"座`, STORE)).rejects.toThrow(
      'the fulfilment file cannot be read as CSV: a quote is misplaced in row 1',
    );
    await expect(applyFulfilmentCsv(w.deps, `单号,状态\n${orderId},已打包`, STORE)).rejects.toThrow(
      'the fulfilment file has no order number column (orderId or 订单号)',
    );
    expect((await w.store.get(orderId))?.state).toBe('placed');
  });
});
