import {
  type CountryCode,
  isSupportedCountry,
  Metadata,
  type NumberType,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';

/** Why a phone cell could not be turned into a callable number. */
export type PhoneProblem = 'missing_phone' | 'scientific_notation' | 'multiple_numbers' | 'invalid_number';

/** libphonenumber's number types, in snake case; `unknown` when the metadata cannot tell. */
export type PhoneType =
  | 'mobile'
  | 'fixed_line'
  | 'fixed_line_or_mobile'
  | 'toll_free'
  | 'premium_rate'
  | 'shared_cost'
  | 'voip'
  | 'personal_number'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'unknown';

export interface NormalisedPhone {
  ok: true;
  /** E.164, e.g. "+8613800138000". */
  e164: string;
  type: PhoneType;
  /** ISO 3166 region of the number; undefined for non-geographic numbers. */
  country: string | undefined;
  /** Digits after the country calling code, used for NANP area codes. */
  nationalNumber: string;
}

export type PhoneResult = NormalisedPhone | { ok: false; problem: PhoneProblem };

// biome-ignore lint/suspicious/noControlCharactersInRegex: detects any non-ASCII character
const NON_ASCII = /[^\x00-\x7F]/;
// Excel turns a long number typed into a General cell into "1.38001E+10": the lost digits cannot be recovered.
const SCIENTIFIC = /^[+-]?\d+(?:\.\d*)?e\+?\d+$/i;
const LIST_SEPARATORS = /[/;,|\n、]+/;
const SEPARATORS = /[\s\-.]/g;
const LETTERS = /[a-z]/i;

/**
 * Turns one phone cell into E.164 for the campaign's default region, or says why it cannot. Never guesses digits:
 * scientific notation, two numbers in one cell and any cell with letters are refused.
 *
 * Accepted besides plain digits: spaces, dashes, dots and brackets as separators, full-width characters (NFKC), an
 * Excel text marker (leading `'`), and international forms `+86`, `0086` and `86` (libphonenumber's own rules).
 */
export function normalisePhone(raw: string | undefined, region: string): PhoneResult {
  let text = (raw ?? '').trim();
  if (NON_ASCII.test(text)) text = text.normalize('NFKC').trim();
  if (text.startsWith("'")) text = text.slice(1).trim();
  if (text === '') return { ok: false, problem: 'missing_phone' };
  if (SCIENTIFIC.test(text.replace(/\s/g, ''))) return { ok: false, problem: 'scientific_notation' };
  if (LIST_SEPARATORS.test(text)) {
    const parts = text.split(LIST_SEPARATORS).filter((p) => p.replace(/\D/g, '').length >= 7);
    return { ok: false, problem: parts.length >= 2 ? 'multiple_numbers' : 'invalid_number' };
  }
  if (LETTERS.test(text)) return { ok: false, problem: 'invalid_number' };
  if (region === 'CN') {
    const fast = fastChineseMobile(text);
    if (fast) return fast;
  }
  return slowPath(text, region);
}

/** The full libphonenumber path; exported so the fast path can be checked against it. */
export function slowPath(text: string, region: string): PhoneResult {
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: region as CountryCode, extract: false });
    if (!parsed.isValid()) return { ok: false, problem: 'invalid_number' };
    return {
      ok: true,
      e164: parsed.number,
      type: toPhoneType(parsed.getType()),
      country: parsed.country,
      nationalNumber: parsed.nationalNumber,
    };
  } catch {
    return { ok: false, problem: 'invalid_number' };
  }
}

function toPhoneType(type: NumberType): PhoneType {
  return type === undefined ? 'unknown' : (type.toLowerCase() as PhoneType);
}

// The fast path's patterns are read from the same metadata libphonenumber uses, so an update of the package moves
// both paths together; test/unit/intake/phone-fast-path.test.ts checks they agree.
const cnPlan = new Metadata();
cnPlan.selectNumberingPlan('CN');
// The typings omit the pattern accessors the class has.
interface PatternAccess {
  nationalNumberPattern(): string;
  type(name: 'MOBILE' | 'FIXED_LINE'): { pattern(): string } | undefined;
}
const numberingPlan = cnPlan.numberingPlan as unknown as PatternAccess | undefined;
const CN_GENERAL = anchored(numberingPlan?.nationalNumberPattern());
const CN_MOBILE = anchored(numberingPlan?.type('MOBILE')?.pattern());
const CN_FIXED = anchored(numberingPlan?.type('FIXED_LINE')?.pattern());
const CN_MOBILE_SHAPE = /^(?:\+86|0086|86)?(1\d{10})$/;

function anchored(pattern: string | undefined): RegExp | undefined {
  return pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`);
}

/**
 * A well-formed mainland mobile number (optionally with +86/0086/86) without going through libphonenumber's parser:
 * most rows of a Chinese list are exactly that, and the parser is the main cost of intake. Returns undefined for
 * anything else, which then takes the full path. A number is MOBILE for libphonenumber when it matches the general
 * and mobile patterns and not the fixed-line one (that would make it FIXED_LINE_OR_MOBILE).
 */
export function fastChineseMobile(text: string): NormalisedPhone | undefined {
  if (!CN_GENERAL || !CN_MOBILE || !CN_FIXED) return undefined;
  const match = CN_MOBILE_SHAPE.exec(text.replace(SEPARATORS, ''));
  const national = match?.[1];
  if (national === undefined) return undefined;
  if (!CN_MOBILE.test(national) || CN_FIXED.test(national) || !CN_GENERAL.test(national)) return undefined;
  return { ok: true, e164: `+86${national}`, type: 'mobile', country: 'CN', nationalNumber: national };
}

/** Whether libphonenumber knows the region, e.g. "CN"; a list cannot be read for an unknown one. */
export function isSupportedRegion(region: string): boolean {
  return isSupportedCountry(region);
}
