import { CsvError, parse } from 'csv-parse/sync';
import { issuesFrom, NotFoundError, TransitionRefusedError, ValidationError } from '#shared/domain/errors';
import { type OrderActor, requireFulfilment } from '#shared/domain/orders/access';
import { orderIdSchema, orderUpdateSchema } from '#shared/domain/orders/order';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import { applyOrderUpdate } from '#shared/use-cases/orders/fulfilment';

/** Most rows one upload may carry (a larger file is refused); a store's day is far below it. */
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

/**
 * One row's result. It names the row, never echoes a cell: an order id cell may hold what was typed in the wrong
 * column (a customer's phone number), and results are logged. The message is built from the rules alone.
 */
export interface CsvRowResult {
  /** 1-based data row. */
  row: number;
  result: 'applied' | 'duplicate' | 'stale' | 'refused' | 'invalid' | 'notFound';
  /** The order's state after the row, when there is an order. */
  state?: string;
  message?: string;
}

/**
 * Applies a fulfilment CSV (`orders/<file>.csv` in the uploads bucket) row by row, in file order, with the uploader's
 * rights; each row gets its own result, so one bad row (cells that do not fit the header, a malformed value, an
 * unknown order) does not stop the rest. A re-delivered upload gives `duplicate` for every row it already applied.
 *
 * @throws ValidationError when the file as a whole cannot be applied (not readable as CSV, no order or status
 *   column, over {@link MAX_CSV_ROWS} rows): retrying cannot help, the store must fix the file and upload it again. Nothing was applied.
 */
export async function applyFulfilmentCsv(
  deps: FulfilmentDeps,
  text: string,
  actor: OrderActor,
): Promise<CsvRowResult[]> {
  requireFulfilment(actor);
  const [header = [], ...rows] = readCsv(text);
  const columns = header.map((h) => HEADERS[h.trim().toLowerCase()] ?? h.trim());
  for (const [field, names] of [
    ['orderId', 'order number column (orderId or 订单号)'],
    ['status', 'status column (status or 状态)'],
  ] as const) {
    if (!columns.includes(field)) throw new ValidationError(`the fulfilment file has no ${names}`);
  }
  // Refused whole, before any row is applied: a store told "split it" re-uploads every row, where rows past the limit
  // dropped or reported alone would be easy to miss.
  if (rows.length > MAX_CSV_ROWS) {
    throw new ValidationError(`the fulfilment file has ${rows.length} rows, over ${MAX_CSV_ROWS}: split it`);
  }
  const records = rows.map((cells) => ({
    // More cells than the header: an unquoted comma shifted them, so none can be trusted. Fewer: the trailing cells
    // were left out (some tools do), they are empty.
    overflow: cells.length > columns.length ? cells.length : undefined,
    record: Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ''])) as Record<string, string>,
  }));
  const results: CsvRowResult[] = [];
  for (const [i, { overflow, record }] of records.entries()) {
    const row = i + 1;
    if (overflow !== undefined) {
      const message = `the row has ${overflow} cells, the header ${columns.length} (a comma in a cell must be quoted)`;
      results.push({ row, result: 'invalid', message });
      continue;
    }
    const orderId = record.orderId ?? '';
    const raw = Object.fromEntries(Object.entries(record).filter(([k, v]) => k !== 'orderId' && v !== ''));
    if (raw.status !== undefined) raw.status = STATUS_WORDS[raw.status] ?? raw.status;
    const parsed = orderUpdateSchema.safeParse(raw);
    // Checked before any read: a cell that cannot be an order number (one too long for a key) would make DynamoDB
    // refuse the read and fail the whole file.
    const idIssue =
      orderId === '' ? 'missing' : orderIdSchema.safeParse(orderId).success ? undefined : 'not an order number';
    if (idIssue !== undefined || !parsed.success) {
      const issues = [
        ...(idIssue !== undefined ? [{ path: 'orderId', message: idIssue }] : []),
        ...(parsed.success ? [] : issuesFrom(parsed.error.issues)),
      ];
      results.push({
        row,
        result: 'invalid',
        message: issues.map((x) => `${x.path}: ${x.message}`).join('; '),
      });
      continue;
    }
    try {
      const { result, order } = await applyOrderUpdate(deps, orderId, parsed.data, actor.id);
      results.push({ row, result, state: order.state });
    } catch (error) {
      // What this row's data decides is the row's result (its cells were validated above, so no key or value of it
      // makes DynamoDB refuse the request). Anything else (throttling, an outage, a lost race five times) fails the
      // file so it is redelivered: the rows are idempotent, as the state machine only moves forward (a row applied
      // before is a duplicate or stale the second time, and writes nothing).
      if (error instanceof NotFoundError) {
        results.push({ row, result: 'notFound', message: 'no such order' });
        continue;
      }
      if (error instanceof TransitionRefusedError) {
        const message = `the order is ${error.state}; it cannot become ${parsed.data.status}`;
        results.push({ row, result: 'refused', state: error.state, message });
        continue;
      }
      throw error;
    }
  }
  return results;
}

/** The file's records as cells; a quoting error leaves the rest of the file unreadable, so it refuses the file. */
function readCsv(text: string): string[][] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      // A quote inside an unquoted cell (门口"A"座) is a character, not a fault.
      relax_quotes: true,
    }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse's own message may quote the file's bytes: only where and what kind of fault is told. The records read
    // before the fault include the header, so their count is the 1-based data row of the fault.
    const where = error.records === 0 ? 'the header' : `row ${error.records}`;
    const fault =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? `a quote opened in ${where} is never closed`
        : error.code.includes('QUOTE')
          ? `a quote is misplaced in ${where} (a cell with quotes must be wholly quoted, "" for a quote inside)`
          : `${where} is malformed (${error.code})`;
    throw new ValidationError(`the fulfilment file cannot be read as CSV: ${fault}`);
  }
}
