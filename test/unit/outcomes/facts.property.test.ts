import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttemptFacts, canonical, mergeFacts } from '#shared/domain/outcomes/facts';

const iso = fc
  .integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2027, 0, 2) })
  .map((ms) => new Date(ms).toISOString());
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const factsArb: fc.Arbitrary<AttemptFacts> = fc
  .record(
    {
      ctr: maybe(
        fc.record(
          {
            contactId: fc.constant('x'),
            lastUpdate: iso,
            disconnectReason: maybe(fc.constantFrom('EXPIRED', 'OTHER')),
          },
          { requiredKeys: ['contactId', 'lastUpdate'] },
        ),
      ),
      events: maybe(
        fc.record(
          {
            contactId: fc.constant('x'),
            types: fc
              .uniqueArray(fc.constantFrom('DISCONNECTED', 'CONNECTED_TO_AGENT', 'INITIATED'))
              .map((t) => t.sort()),
            agentConnectedAt: maybe(iso),
            amdStatus: maybe(fc.constantFrom('HUMAN_ANSWERED', 'VOICEMAIL_BEEP')),
          },
          { requiredKeys: ['contactId', 'types'] },
        ),
      ),
      disposition: maybe(
        fc.record({ contactId: fc.constant('x'), code: fc.constantFrom('SALE', 'CALLBACK'), at: iso }),
      ),
      callStart: maybe(fc.record({ contactId: fc.constant('x'), at: iso })),
    },
    { requiredKeys: [] },
  )
  .map((f) => JSON.parse(JSON.stringify(f)) as AttemptFacts);

describe('mergeFacts', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(factsArb, factsArb, factsArb, (a, b, c) => {
        expect(canonical(mergeFacts(a, b))).toBe(canonical(mergeFacts(b, a)));
        expect(canonical(mergeFacts(mergeFacts(a, b), c))).toBe(canonical(mergeFacts(a, mergeFacts(b, c))));
        expect(canonical(mergeFacts(a, a))).toBe(canonical(mergeFacts(a, {})));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the latest contact record version and the earliest call start', () => {
    const merged = mergeFacts(
      {
        ctr: { contactId: 'x', lastUpdate: '2027-01-01T00:00:02Z', talkSeconds: 90 },
        callStart: { contactId: 'x', at: '2027-01-01T00:00:05Z' },
      },
      {
        ctr: { contactId: 'x', lastUpdate: '2027-01-01T00:00:01Z', talkSeconds: 10 },
        callStart: { contactId: 'x', at: '2027-01-01T00:00:03Z' },
      },
    );
    expect(merged.ctr?.talkSeconds).toBe(90);
    expect(merged.callStart?.at).toBe('2027-01-01T00:00:03Z');
  });
});
