import { createHmac } from 'node:crypto';

/**
 * The pseudonymous key of a phone number: HMAC-SHA-256 under a deployment secret, 128 bits, base64url (22 chars).
 * Keys, logs and Connect client tokens carry this instead of the number (docs/data-model.md, principle 4); after an
 * erasure it is all that remains on the DNC list. The secret must never change for a deployment, or every DNC entry
 * would stop matching.
 */
export function phoneKey(e164: string, secret: string): string {
  if (secret.length < 16) throw new Error('the phone-key secret must be at least 16 characters');
  return createHmac('sha256', secret).update(e164).digest().subarray(0, 16).toString('base64url');
}
