import { createHmac } from 'node:crypto';

/** The header every outgoing webhook and callback is signed in. */
export const SIGNATURE_HEADER = 'X-Docsession-Signature';

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the tenant's webhook secret
 * (the `whsec_…` string, as UTF-8). A receiver recomputes it over the bytes it got.
 */
export function signatureOf(webhookSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', webhookSecret).update(body).digest('hex')}`;
}
