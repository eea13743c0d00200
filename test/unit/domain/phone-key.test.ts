import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phoneKey } from '#shared/domain/phone-key';

const secret = 'unit-test-secret-0123456789';

describe('phoneKey', () => {
  it('is stable, 22 URL-safe characters, and never contains the digits of the number', () => {
    const key = phoneKey('+8613800138000', secret);
    expect(key).toBe(phoneKey('+8613800138000', secret));
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(key).not.toContain('13800138000');
  });

  it('differs between numbers and between secrets', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{9,13}$/), fc.stringMatching(/^\+[1-9]\d{9,13}$/), (a, b) => {
        fc.pre(a !== b);
        expect(phoneKey(a, secret)).not.toBe(phoneKey(b, secret));
      }),
    );
    expect(phoneKey('+8613800138000', secret)).not.toBe(phoneKey('+8613800138000', `${secret}x`));
  });

  it('refuses a short secret', () => {
    expect(() => phoneKey('+8613800138000', 'short')).toThrow(/at least 16/);
  });
});
