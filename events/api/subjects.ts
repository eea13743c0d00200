import * as z from 'zod';

/**
 * `{phone}` of `/subjects/{phone}`: a number as a person would give it (E.164 or national), decoded from the
 * path. Only its shape is checked here; the use case normalises it as intake does.
 */
export const subjectPhoneParamSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[0-9+(). -]+$/, 'a phone number: digits, +, spaces, dashes, dots or brackets');
