import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What to break, as a fraction of requests, and which requests are writes. */
export interface FaultPlan {
  /** Fail before the request is sent with this error name (ThrottlingException, ProvisionedThroughputExceededException). */
  failBefore?: { rate: number; name: string };
  /** Let the write reach the table, then fail the answer: the caller cannot tell whether it happened. */
  failAfter?: { rate: number; name: string };
  /** BatchWriteItem answers this fraction of its items as UnprocessedItems (not written). */
  unprocessed?: number;
}

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'TransactWriteCommand',
  'BatchWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/** A deterministic generator, so a failing scenario fails the same way again. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Counts of what was injected: a scenario that injected nothing proves nothing and is refused by the suite. */
export interface FaultCounters {
  injected: number;
  writes: number;
}

function awsError(name: string, status = 400): Error {
  const error = new Error(`injected ${name}`);
  error.name = name;
  Object.assign(error, { $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
  return error;
}

/** What @smithy/node-http-handler throws when the socket times out: a plain Error named TimeoutError, no HTTP status. */
function socketTimeout(): Error {
  return Object.assign(new Error('injected: the request socket timed out'), { name: 'TimeoutError' });
}

/**
 * Adds a middleware to `client` that breaks a fraction of its write requests per `plan` while `active()` is true.
 * It sits at the initialize step, above the SDK's own retries, so the error reaches the use case — the worst case.
 */
export function injectFaults(
  client: DynamoDBDocumentClient,
  plan: FaultPlan,
  active: () => boolean,
  random: () => number,
): FaultCounters {
  const counters: FaultCounters = { injected: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      if (!active() || !WRITES.has(command)) return next(args);
      counters.writes++;
      if (plan.failBefore && random() < plan.failBefore.rate) {
        counters.injected++;
        throw awsError(plan.failBefore.name);
      }
      if (plan.unprocessed && command.startsWith('BatchWrite')) {
        const input = args.input as { RequestItems: Record<string, unknown[]> };
        const kept: Record<string, unknown[]> = {};
        const held: Record<string, unknown[]> = {};
        for (const [table, requests] of Object.entries(input.RequestItems)) {
          for (const r of requests) {
            const bucket = random() < (plan.unprocessed ?? 0) ? held : kept;
            const list = bucket[table] ?? [];
            list.push(r);
            bucket[table] = list;
          }
        }
        const heldCount = Object.values(held).flat().length;
        if (heldCount > 0) {
          counters.injected += heldCount;
          const out =
            Object.keys(kept).length > 0
              ? await next({ ...args, input: { ...input, RequestItems: kept } })
              : { output: { $metadata: {} }, response: {} };
          return { ...out, output: { ...(out.output as object), UnprocessedItems: held } } as typeof out;
        }
      }
      const result = await next(args);
      if (plan.failAfter && random() < plan.failAfter.rate) {
        counters.injected++;
        throw awsError(plan.failAfter.name);
      }
      return result;
    },
    { step: 'initialize', name: 'outcallFaultInjection' },
  );
  return counters;
}

interface RawArgs {
  input: unknown;
}
interface RawOutput {
  output: unknown;
  response?: unknown;
}
type RawMiddleware = (
  next: (args: RawArgs) => Promise<RawOutput>,
  context: { commandName?: string },
) => (args: RawArgs) => Promise<RawOutput>;

/** Adds `middleware` at the initialize step (above the SDK's own retries) of any SDK v3 client. */
function addInitialize(client: { middlewareStack: unknown }, name: string, middleware: RawMiddleware): void {
  (client.middlewareStack as { add(m: RawMiddleware, o: { step: 'initialize'; name: string }): void }).add(middleware, {
    step: 'initialize',
    name,
  });
}

/** Failure codes PutOutboundRequestBatch gives single requests it did not place. */
export type DialFailureCode = 'RequestThrottled' | 'BufferLimitExceeded';

/** What to break in the dispatcher's calls to Amazon Connect outbound campaigns. */
export interface ConnectFaultPlan {
  /** Fraction of PutOutboundRequestBatch calls answered 429 ThrottlingException without reaching Connect. */
  throttleCall?: number;
  /** Fraction of single requests kept from Connect and answered in `failedRequests` with this code. */
  failRequests?: { rate: number; code: DialFailureCode };
  /** Fraction of calls answered with a server error (e.g. 500 InternalServerException) without reaching Connect. */
  serverError?: { rate: number; name: string; status: number };
  /**
   * Fraction of calls that reach Connect, whose dials are placed, and whose answer is then lost to a socket timeout:
   * the caller cannot tell whether anything was placed.
   */
  loseAnswer?: number;
}

/**
 * Breaks PutOutboundRequestBatch on a Connect outbound campaigns client per `plan` while `active()` is true. A request
 * answered as failed never reaches the simulator, so it was truly not placed, as Connect says of such requests; nor
 * does a call answered with a throttle or a server error. A lost answer is the opposite: the simulator placed the dials.
 */
export function injectConnectFaults(
  client: { middlewareStack: unknown },
  plan: ConnectFaultPlan,
  active: () => boolean,
  random: () => number,
  counters: FaultCounters = { injected: 0, writes: 0 },
): FaultCounters {
  addInitialize(client, 'outcallConnectFaults', (next, context) => async (args) => {
    if (!active() || context.commandName !== 'PutOutboundRequestBatchCommand') return next(args);
    counters.writes++;
    if (plan.throttleCall && random() < plan.throttleCall) {
      counters.injected++;
      throw awsError('ThrottlingException');
    }
    if (plan.serverError && random() < plan.serverError.rate) {
      counters.injected++;
      throw awsError(plan.serverError.name, plan.serverError.status);
    }
    const out = await sendWithFailedRequests(next, args, plan, random, counters);
    if (plan.loseAnswer && random() < plan.loseAnswer) {
      counters.injected++;
      throw socketTimeout();
    }
    return out;
  });
  return counters;
}

/** Sends the call, keeping `plan.failRequests` of its requests from Connect and answering them as failed. */
async function sendWithFailedRequests(
  next: (args: RawArgs) => Promise<RawOutput>,
  args: RawArgs,
  plan: ConnectFaultPlan,
  random: () => number,
  counters: FaultCounters,
): Promise<RawOutput> {
  const failing = plan.failRequests;
  if (!failing) return next(args);
  const input = args.input as { outboundRequests: { clientToken: string }[] };
  const kept: { clientToken: string }[] = [];
  const held: { clientToken: string }[] = [];
  for (const r of input.outboundRequests) (random() < failing.rate ? held : kept).push(r);
  if (held.length === 0) return next(args);
  counters.injected += held.length;
  const failed = held.map((r) => ({ clientToken: r.clientToken, failureCode: failing.code }));
  if (kept.length === 0) {
    return { output: { $metadata: {}, successfulRequests: [], failedRequests: failed }, response: {} };
  }
  const out = await next({ ...args, input: { ...input, outboundRequests: kept } });
  const answer = out.output as { failedRequests?: unknown[] };
  return { ...out, output: { ...answer, failedRequests: [...(answer.failedRequests ?? []), ...failed] } };
}

/**
 * Fails a fraction of the named commands of any SDK client while `active()` is true, before the request is sent
 * (e.g. SES v2 SendEmailCommand with TooManyRequestsException: SES never saw the mail).
 */
export function injectCallFaults(
  client: { middlewareStack: unknown },
  commands: readonly string[],
  failBefore: { rate: number; name: string },
  active: () => boolean,
  random: () => number,
  /** Given when several clients (one per function process) add up to one count. */
  counters: FaultCounters = { injected: 0, writes: 0 },
): FaultCounters {
  addInitialize(client, 'outcallCallFaults', (next, context) => async (args) => {
    if (!active() || !commands.includes(context.commandName ?? '')) return next(args);
    counters.writes++;
    if (random() < failBefore.rate) {
      counters.injected++;
      throw awsError(failBefore.name);
    }
    return next(args);
  });
  return counters;
}

/** Where a kill lands: before a request leaves, or after the service applied it but before the answer is read. */
export type KillPhase = 'before' | 'after';

/**
 * Function invocations that can be killed. `run` runs one invocation; `die` decides, per SDK call of an attached
 * client, whether that invocation is killed at that point. Once killed, every later call made by that invocation's
 * code fails, as nothing runs in a killed process — including work it had started in parallel, which is told apart
 * from the next invocation's (the redelivery's) by the async context it runs in. Calls outside `run` (the suite's own
 * reads) pass untouched.
 */
export class Invocations {
  kills = 0;
  /** Invocations started so far; the n-th (from 0) is told its number. */
  runs = 0;
  die: (command: string, input: unknown, phase: KillPhase, run: number) => boolean = () => false;
  readonly #current = new AsyncLocalStorage<{ dead: boolean; run: number }>();

  /** One invocation: resolves or rejects as `work` does (FunctionKilled once killed). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.#current.run({ dead: false, run: this.runs++ }, work);
  }

  /** Attaches the invocations' lives to a client (DynamoDB, S3, SES, Connect…). */
  attach(client: { middlewareStack: unknown }): void {
    addInitialize(client, 'outcallKill', (next, context) => async (args) => {
      const life = this.#current.getStore();
      if (!life) return next(args);
      const command = context.commandName ?? '';
      if (life.dead) throw killed();
      if (this.die(command, args.input, 'before', life.run)) {
        life.dead = true;
        this.kills++;
        throw killed();
      }
      const result = await next(args);
      // Killed meanwhile by another call of the same invocation: the answer reaches nobody.
      if (life.dead) throw killed();
      if (this.die(command, args.input, 'after', life.run)) {
        life.dead = true;
        this.kills++;
        throw killed();
      }
      return result;
    });
  }
}

function killed(): Error {
  const error = new Error('the function was killed');
  error.name = 'FunctionKilled';
  return error;
}
