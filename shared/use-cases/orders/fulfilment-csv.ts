import { parse } from 'csv-parse/sync';
import { issuesFrom } from '#shared/domain/errors';
import { type OrderActor, requireFulfilment } from '#shared/domain/orders/access';
import { orderUpdateSchema } from '#shared/domain/orders/order';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import { applyOrderUpdate } from '#shared/use-cases/orders/fulfilment';

/** Most rows one upload may carry; a store's day is far below it. */
export const MAX_CSV_ROWS = 5000;

/** Header names the store may use, English or Chinese, mapped to the update's fields. */
const HEADERS: Record<string, string> = {
  orderid: 'orderId',
  订单号: 'orderId',
  status: 'status',
  状态: 'status',
  at: 'at',
  时间: 'at',
  reason: 'reason',
  原因: 'reason',
  退货原因: 'reason',
  courierid: 'courierId',
  courier: 'courierId',
  快递员: 'courierId',
  配送员: 'courierId',
  note: 'note',
  备注: 'note',
};

/** Status words the store's sheets use. */
const STATUS_WORDS: Record<string, string> = {
  已打包: 'packed',
  配送中: 'outForDelivery',
  已发货: 'outForDelivery',
  已签收: 'delivered',
  已送达: 'delivered',
  退货: 'returned',
  已退货: 'returned',
  已取消: 'cancelled',
  取消: 'cancelled',
};

export interface CsvRowResult {
  /** 1-based data row. */
  row: number;
  orderId: string;
  result: 'applied' | 'duplicate' | 'stale' | 'refused' | 'invalid' | 'notFound';
  state?: string;
  message?: string;
}

/**
 * Applies a fulfilment CSV (`orders/<file>.csv` in the uploads bucket) row by row, in file order, with the uploader's
 * rights; each row gets its own result, so one bad row does not stop the rest. A re-delivered upload gives
 * `duplicate` for every row it already applied.
 */
export async function applyFulfilmentCsv(
  deps: FulfilmentDeps,
  text: string,
  actor: OrderActor,
): Promise<CsvRowResult[]> {
  requireFulfilment(actor);
  const records = parse(text.replace(/^\uFEFF/, ''), {
    columns: (header: string[]) => header.map((h) => HEADERS[h.trim().toLowerCase()] ?? h.trim()),
    skip_empty_lines: true,
    trim: true,
    to: MAX_CSV_ROWS,
  }) as Record<string, string>[];
  const results: CsvRowResult[] = [];
  for (const [i, record] of records.entries()) {
    const row = i + 1;
    const orderId = record.orderId ?? '';
    const raw = Object.fromEntries(Object.entries(record).filter(([k, v]) => k !== 'orderId' && v !== ''));
    if (raw.status !== undefined) raw.status = STATUS_WORDS[raw.status] ?? raw.status;
    const parsed = orderUpdateSchema.safeParse(raw);
    if (orderId === '' || !parsed.success) {
      const issues = parsed.success ? [{ path: 'orderId', message: 'missing' }] : issuesFrom(parsed.error.issues);
      results.push({
        row,
        orderId,
        result: 'invalid',
        message: issues.map((x) => `${x.path}: ${x.message}`).join('; '),
      });
      continue;
    }
    try {
      const { result, order } = await applyOrderUpdate(deps, orderId, parsed.data, actor.id);
      results.push({ row, orderId, result, state: order.state });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TransitionRefusedError' || name === 'NotFoundError') {
        results.push({
          row,
          orderId,
          result: name === 'NotFoundError' ? 'notFound' : 'refused',
          message: (error as Error).message,
        });
        continue;
      }
      throw error;
    }
  }
  return results;
}
