import { HTTP_STATUS_OF, type ErrorCode } from '@docsession/contracts';
import type { ResponseObject } from '@nestjs/swagger';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../http/error.filter';
import type { SchemaCatalog } from './schema-catalog';

/** When each code is answered: API.md's error table; its status is HTTP_STATUS_OF's. */
export const ERROR_WHEN: Record<ErrorCode, string> = {
  invalid_request: 'malformed JSON or multipart, unknown/invalid option, no content, both content and url',
  unauthorized: 'missing, unknown or revoked key',
  forbidden: 'e.g. saving in a view-only session',
  not_found: 'unknown id, or an id of another tenant (never 403: existence is not leaked)',
  idempotency_key_reused: 'same Idempotency-Key with a different request body',
  conflict: 'WOPI: the document is locked by another editor, or changed since the editor loaded it',
  gone: 'session ended / document content purged',
  payload_too_large: 'upload or imported URL larger than MAX_UPLOAD_BYTES',
  unsupported_media_type: 'content type outside ALLOWED_CONTENT_TYPES (when set)',
  url_fetch_failed: 'URL import refused (private/loopback address, scheme, redirect loop, timeout, non-2xx)',
  usage_exceeded: 'tenant is past its plan limit plus grace; nothing is stored or billed',
  rate_limited: 'per-key request rate exceeded (Retry-After header set)',
  internal: 'a failure nobody expected (a bug, logged with its stack); nothing is stored or billed',
  unavailable: 'a dependency is down; nothing is stored or billed',
};

const retryAfter = z.object({
  'Retry-After': z.int().min(0).optional().meta({ description: 'Seconds to wait (set with `rate_limited`).' }),
});

/** On every answer of a rate-limited route (the IETF draft's names); see README, Rate limits. */
export const rateLimitHeaders = z.object({
  'RateLimit-Limit': z.int().min(1).optional().meta({ description: 'Requests the budget admits per window.' }),
  'RateLimit-Remaining': z.int().min(0).optional().meta({ description: 'Requests left in this window.' }),
  'RateLimit-Reset': z.int().min(0).optional().meta({ description: 'Seconds until the budget is whole again.' }),
});

/**
 * The error answers of an operation, one per status, each naming the codes it may carry, with
 * `body` (the contract's envelope unless a route answers in another's terms, as Zoho's do).
 */
export function errorReplies(
  codes: readonly ErrorCode[],
  catalog: SchemaCatalog,
  body: z.ZodType = errorEnvelopeSchema,
): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = HTTP_STATUS_OF[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const envelope = catalog.schemaOf(body, 'output', 'error replies');
  return Object.fromEntries(
    [...byStatus].map(([status, of]) => {
      const reply: ResponseObject = {
        description: of.map((code) => `\`${code}\`: ${ERROR_WHEN[code]}.`).join(' '),
        content: { 'application/json': { schema: envelope } },
      };
      if (of.includes('rate_limited')) {
        reply.headers = catalog.headersOf(retryAfter.extend(rateLimitHeaders.shape), `${status} reply`);
      }
      return [String(status), reply];
    }),
  );
}
