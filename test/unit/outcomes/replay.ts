import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { OutcomeStore } from '#shared/ports/outcome-store';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { type RawInput, type Scenario, toOutcomeInput } from '#test/unit/outcomes/scenarios';

/** A store plus the few things a replay needs to do and see outside the use case (what other issues own). */
export interface World {
  store: OutcomeStore;
  /** Campaigns, agent profile, the contact dialing attempt 1, and the other campaign's contact when asked. */
  seed(scenario: Scenario): Promise<void>;
  /** The dispatcher dials attempt `n` (the contact must be waiting). */
  markDialing(attempt: number): Promise<void>;
  /** Everything the assertions compare, in a canonical form. */
  observe(): Promise<unknown>;
}

export interface ReplayResult {
  observed: unknown;
  orderIds: string[];
}

/**
 * Plays a scenario: for each call, the dispatcher dials it, then its inputs arrive in `order(callIndex, inputs)`.
 * `order` may duplicate, shuffle and add late inputs of earlier calls. A disposition refused because Connect has not
 * reported the call's agent yet is submitted again after the inputs still to come, as the agent would.
 */
export async function replay(
  world: World,
  scenario: Scenario,
  order: (callIndex: number, inputs: RawInput[], earlier: RawInput[]) => RawInput[],
): Promise<ReplayResult> {
  await world.seed(scenario);
  const events = new InMemoryEventPublisher();
  const recorder = new OutcomeRecorder({ store: world.store, events, clock: new ManualClock('2027-03-02T12:00:00Z') });
  const earlier: RawInput[] = [];
  for (const [i, call] of scenario.calls.entries()) {
    if (i > 0) await world.markDialing(i + 1);
    const queue = [...order(i, call, earlier)];
    let waiting = 0;
    while (queue.length > 0) {
      const raw = queue.shift() as RawInput;
      const input = toOutcomeInput(raw);
      if (!input) continue;
      const result = await recorder.record(input);
      if (result.status !== 'notYetConnected') {
        waiting = 0;
        continue;
      }
      // The flow sends the agent back to the guide and the agent submits again a moment later, after whatever else
      // Connect delivers meanwhile. Only refused dispositions going round and round means the agent never comes.
      if (++waiting > queue.length + 1) throw new Error(`call ${i + 1}: a disposition is never accepted`);
      queue.push(raw);
    }
    earlier.push(...call);
  }
  return {
    observed: await world.observe(),
    orderIds: events.ofType('OrderPlaced').map((e) => (e.detail as { orderId: string }).orderId),
  };
}

export const inOrder = (_i: number, inputs: RawInput[]) => inputs;

/** Each input twice, plus the given late repeats of earlier calls, in the order of `keys`. */
export function shuffledTwice(keys: readonly number[], lateRepeats: number) {
  return (_i: number, inputs: RawInput[], earlier: RawInput[]): RawInput[] => {
    const all = [...inputs, ...inputs, ...earlier.slice(0, lateRepeats)];
    return all
      .map((input, k) => ({ input, key: keys[k % Math.max(keys.length, 1)] ?? k, k }))
      .sort((a, b) => a.key - b.key || a.k - b.k)
      .map((x) => x.input);
  };
}
