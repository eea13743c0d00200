import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '#shared/domain/outcomes/derive';
import { counterContributions } from '#shared/domain/outcomes/derive';
import type { AttemptFacts } from '#shared/domain/outcomes/facts';

const outcome = { system: 'noAnswer', reachedPerson: false, effective: false, talkSeconds: 0, day: '2027-03-15' };

describe('firstDials', () => {
  it('counts a contact as attempted on its first attempt only, in every scope', () => {
    const first = counterContributions('c-1', outcome as AttemptOutcome, {} as AttemptFacts, undefined, 1);
    const second = counterContributions('c-1', outcome as AttemptOutcome, {} as AttemptFacts, undefined, 2);
    expect(first.map((c) => c.values.firstDials)).toEqual([1]);
    expect(second.map((c) => c.values.firstDials)).toEqual([undefined]);
    expect(second[0]?.values.dials).toBe(1);
  });
});
