import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/observability/logger';
import { placeOrder } from '#shared/use-cases/orders/place-order';
import { objectsOf, uploadContext, uploadOf } from '#test/unit/functions/upload-event';
import { orderPlaced, ordersWorld } from '#test/unit/orders/world';

// The module builds its AWS adapters at import; these tests hand the handler in-memory ones instead.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'outcall-test';
  process.env.SES_SENDER ??= 'outcall@example.com';
  process.env.BUS_NAME ??= 'outcall-test';
  process.env.AWS_REGION ??= 'ap-northeast-1';
});
const { createFulfilmentUploadHandler } = await import('#functions/orders/fulfilment-upload');

const context = uploadContext;

afterEach(() => vi.restoreAllMocks());

describe('fulfilment upload handler', () => {
  it('acknowledges a file that can never be applied and logs why, without the file name', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = createFulfilmentUploadHandler(w.deps, objectsOf(`orderId,status,note\n${orderId},packed,"open`));
    const out = await handler(uploadOf('orders/王先生的单.csv'), context);
    expect(out.batchItemFailures).toEqual([]);
    expect(error).toHaveBeenCalledWith('fulfilment file refused', {
      reason: 'the fulfilment file cannot be read as CSV: a quote opened in row 1 is never closed',
      versionId: undefined,
    });
    expect(JSON.stringify(error.mock.calls)).not.toContain('王先生');
  });

  it('logs row numbers, result kinds and counts, never a cell', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    const info = vi.spyOn(logger, 'info').mockImplementation(() => {});
    const csv = `订单号,状态\n${orderId},已打包\n13800138000,已打包\n13900139000,flying`;
    const out = await createFulfilmentUploadHandler(w.deps, objectsOf(csv))(uploadOf('orders/day.csv'), context);
    expect(out.batchItemFailures).toEqual([]);
    expect(info).toHaveBeenCalledWith('fulfilment file applied', {
      rows: 3,
      applied: 1,
      duplicate: 0,
      stale: 0,
      refused: 0,
      notFound: 1,
      invalid: 1,
      problems: [
        { row: 2, result: 'notFound', message: 'no such order' },
        { row: 3, result: 'invalid', message: expect.stringMatching(/^status: /) },
      ],
    });
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).not.toContain('1380013');
    expect(logged).not.toContain('1390013');
    expect(logged).not.toContain(orderId);
  });

  it('has the message redelivered when the store fails (rows are idempotent)', async () => {
    const w = await ordersWorld();
    const { orderId } = orderPlaced();
    await placeOrder(w.deps, orderPlaced());
    vi.spyOn(w.store, 'get').mockRejectedValue(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = createFulfilmentUploadHandler(w.deps, objectsOf(`orderId,status\n${orderId},packed`));
    // The one message of the batch failed: the batch fails, SQS redelivers it.
    await expect(handler(uploadOf('orders/day.csv'), context)).rejects.toThrow('All records failed processing');
  });
});
