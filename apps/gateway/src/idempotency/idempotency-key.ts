import { DomainError, ErrorCode } from '@docsession/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** The request header, as the document shows it. */
export const idempotencyKeyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(IDEMPOTENCY_KEY_MAX_LENGTH)
    .optional()
    .meta({
      description:
        'A repeat with the same key and the same body within 24 h returns the original status and body with ' +
        '`Idempotent-Replayed: true`, creates nothing and bills nothing; a different body answers 409.',
    }),
});

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
