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

const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const phoneParam = {
  name: 'phone',
  in: 'path',
  required: true,
  description: 'The number, E.164 or national (URL-encoded)',
  schema: { type: 'string' },
};

/** The data-subject operations (PIPL / GDPR), merged into the OpenAPI document. Admins only. */
export const SUBJECT_OPERATIONS = {
  'GET /subjects/{phone}': {
    operationId: 'exportSubject',
    summary: 'Everything held about the person with this number: contacts, attempts, orders, QA calls, DNC evidence',
    parameters: [phoneParam],
    responses: {
      200: { description: 'The export', content: { 'application/json': { schema: {} } } },
      400: responseRef('BadRequest'),
    },
  },
  'DELETE /subjects/{phone}': {
    operationId: 'eraseSubject',
    summary: "Erase the person's contact data everywhere; keep only the hashed key with a DNC entry",
    description: 'Repeating it is safe. The answer lists what was erased.',
    parameters: [phoneParam],
    responses: {
      200: { description: 'What was erased', content: { 'application/json': { schema: {} } } },
      400: responseRef('BadRequest'),
    },
  },
};
