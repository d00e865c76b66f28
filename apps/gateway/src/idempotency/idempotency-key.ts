import { DomainError, ErrorCode } from '@docsession/contracts';
import type { IncomingHttpHeaders } from 'node:http';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * The request's `Idempotency-Key`, or null when it has none. A key that is empty,
 * longer than 255 characters, or sent twice is a 400: silently ignoring it would open
 * a second session on a retry the client believes is safe.
 */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | null {
  const value = headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw invalid('Send one Idempotency-Key header.');
  const key = value.trim();
  if (!key) throw invalid('The Idempotency-Key header is empty.');
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw invalid(`The Idempotency-Key may have at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`);
  }
  return key;
}

const invalid = (message: string) => new DomainError(ErrorCode.InvalidRequest, message);
