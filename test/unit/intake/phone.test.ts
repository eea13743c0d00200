import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastChineseMobile, normalisePhone, slowPath } from '#shared/domain/intake/phone';

// Mainland mobile prefixes that libphonenumber's metadata calls valid.
const MOBILE_PREFIX = fc.constantFrom('130', '135', '138', '139', '150', '158', '166', '177', '186', '188', '199');
const cnMobile = fc.tuple(MOBILE_PREFIX, fc.stringMatching(/^\d{8}$/)).map(([prefix, rest]) => `${prefix}${rest}`);

const toFullWidth = (s: string) =>
  s.replace(/[0-9+\-() ]/g, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

/** Writes a national mobile the ways planners' sheets do. */
const formatted = fc
  .tuple(
    cnMobile,
    fc.constantFrom('', '+86', '0086', '86', '+86 ', '+86-', '0086 ', '0086-'),
    fc.constantFrom('', ' ', '-', '.'),
    fc.boolean(),
    fc.constantFrom('', ' ', '\t', "'"),
  )
  .map(([national, prefix, sep, fullWidth, lead]) => {
    const body = [national.slice(0, 3), national.slice(3, 7), national.slice(7)].join(sep);
    const text = `${prefix}${body}`;
    return { national, text: lead === "'" ? `'${text}` : `${lead}${fullWidth ? toFullWidth(text) : text}${lead}` };
  });

describe('normalisePhone', () => {
  it.each([
    ['13800138000', '+8613800138000', 'mobile'],
    ['+86 138 0013 8000', '+8613800138000', 'mobile'],
    ['008613800138000', '+8613800138000', 'mobile'],
    ['8613800138000', '+8613800138000', 'mobile'],
    ['１３８００１３８０００', '+8613800138000', 'mobile'],
    ['＋８６ １３８－００１３－８０００', '+8613800138000', 'mobile'],
    ["'13800138000", '+8613800138000', 'mobile'],
    ['010-12345678', '+861012345678', 'fixed_line'],
    ['+1 212 555 0123', '+12125550123', 'fixed_line_or_mobile'],
  ])('accepts %s as %s (%s)', (raw, e164, type) => {
    const result = normalisePhone(raw, 'CN');
    expect(result).toMatchObject({ ok: true, e164, type });
  });

  it.each([
    ['', 'missing_phone'],
    ['   ', 'missing_phone'],
    ['1.38001E+10', 'scientific_notation'],
    ['1.38E10', 'scientific_notation'],
    ['13800138000/13900139000', 'multiple_numbers'],
    ['13800138000；13900139000', 'multiple_numbers'],
    ['12345', 'invalid_number'],
    ['1380013800', 'invalid_number'],
    ['138001380001', 'invalid_number'],
    ['call 13800138000', 'invalid_number'],
    ['10086', 'invalid_number'],
  ])('rejects %j as %s', (raw, problem) => {
    expect(normalisePhone(raw, 'CN')).toEqual({ ok: false, problem });
  });

  it('reads local numbers for the default region', () => {
    expect(normalisePhone('(212) 555-0123', 'US')).toMatchObject({ ok: true, e164: '+12125550123' });
    expect(normalisePhone('(212) 555-0123', 'CN')).toMatchObject({ ok: true, e164: '+862125550123' });
  });

  it('normalises any valid CN mobile, however written, to the same E.164', () => {
    fc.assert(
      fc.property(formatted, ({ national, text }) => {
        expect(normalisePhone(text, 'CN')).toMatchObject({ ok: true, e164: `+86${national}`, type: 'mobile' });
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts scientific notation', () => {
    const scientific = fc
      .tuple(
        fc.integer({ min: 1, max: 9 }),
        fc.stringMatching(/^\d{0,10}$/),
        fc.constantFrom('E+', 'e+', 'E', 'e'),
        fc.integer({ min: 1, max: 14 }),
      )
      .map(([lead, frac, e, exp]) => `${lead}${frac ? `.${frac}` : ''}${e}${exp}`);
    fc.assert(
      fc.property(scientific, fc.constantFrom('CN', 'US', 'GB'), (text, region) => {
        expect(normalisePhone(text, region)).toEqual({ ok: false, problem: 'scientific_notation' });
      }),
    );
  });
});

describe('fast path for mainland mobiles', () => {
  it('agrees with libphonenumber whenever it answers', () => {
    const anyShape = fc.oneof(
      formatted.map((f) => f.text.trim().replace(/^'/, '')),
      fc.stringMatching(/^1\d{10}$/),
      fc.stringMatching(/^(\+86|0086|86)1\d{10}$/),
      fc.stringMatching(/^[0-9 +\-().]{5,20}$/),
    );
    fc.assert(
      fc.property(anyShape, (text) => {
        const fast = fastChineseMobile(text);
        if (fast) expect(slowPath(text, 'CN')).toEqual(fast);
      }),
      { numRuns: 3000 },
    );
  });

  it('answers for plain valid mobiles (so it is actually used)', () => {
    fc.assert(
      fc.property(cnMobile, (national) => {
        expect(fastChineseMobile(national)?.e164).toBe(`+86${national}`);
      }),
    );
  });

  it('leaves numbers that are not plain mobiles to the full path', () => {
    expect(fastChineseMobile('010-12345678')).toBeUndefined();
    expect(fastChineseMobile('12012345678')).toBeUndefined();
    expect(fastChineseMobile('+1 212 555 0123')).toBeUndefined();
  });
});
