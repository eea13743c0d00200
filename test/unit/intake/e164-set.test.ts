import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E164Set } from '#shared/domain/intake/e164-set';

describe('E164Set', () => {
  it('behaves like a Set of strings, through growth', () => {
    const number = fc.stringMatching(/^\+[1-9]\d{6,14}$/);
    fc.assert(
      fc.property(fc.array(number, { maxLength: 400 }), (numbers) => {
        const compact = new E164Set(4);
        const reference = new Set<string>();
        for (const n of numbers) expect(compact.add(n)).toBe(!reference.has(n) && Boolean(reference.add(n)));
        expect(compact.size).toBe(reference.size);
        for (const n of numbers) expect(compact.has(n)).toBe(true);
      }),
    );
  });

  it('tells numbers apart that differ only in length', () => {
    const set = new E164Set();
    set.add('+8613800138000');
    expect(set.has('+861380013800')).toBe(false);
    expect(set.add('+861380013800')).toBe(true);
  });

  it('refuses what is not an E.164 number', () => {
    expect(() => new E164Set().add('+86abc')).toThrow(RangeError);
  });
});
