import { createHash, createHmac, randomBytes } from 'node:crypto';

const API_KEY_PREFIX = 'dsk_';

/** A new API key: a prefix that makes leaked keys easy to spot, then 256 random bits. */
export function newApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A tenant's webhook secret, derived from the server's SECRET_KEY rather than stored:
 * the worker can sign with it, a database dump reveals nothing, and bumping the version
 * rotates it.
 */
export function webhookSecret(secretKey: string, tenantId: string, version: number): string {
  return 'whsec_' + createHmac('sha256', secretKey).update(`webhook:${tenantId}:${version}`).digest('base64url');
}
