import { callbackSchema, DomainError, ErrorCode, sessionModeSchema, userSchema } from '@docsession/contracts';
import { z } from 'zod';

const METADATA_MAX_BYTES = 4 * 1024;

const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= METADATA_MAX_BYTES, 'metadata must be at most 4 KiB of JSON');

/**
 * What a caller may say about a session it opens. Strict: an unknown option is a
 * 400, not silently ignored, so a typo never opens a session the caller did not mean.
 */
export const sessionOptionsSchema = z
  .object({
    user: userSchema.strict().optional(),
    mode: sessionModeSchema.optional(),
    ttl_seconds: z.number().int().positive().optional(),
    callback: callbackSchema.strict().optional(),
  })
  .strict();
export type SessionOptions = z.infer<typeof sessionOptionsSchema>;

/** The options object of `POST /v1/documents` (multipart `options` part, or the JSON body). */
export const openOptionsSchema = sessionOptionsSchema
  .extend({
    url: z.string().max(2048).optional(),
    document: z
      .object({
        name: z.string().min(1).max(255).optional(),
        external_id: z.string().min(1).max(255).optional(),
        content_type: z
          .string()
          .max(255)
          .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as text/plain')
          .optional(),
      })
      .strict()
      .optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type OpenOptions = z.infer<typeof openOptionsSchema>;

/** The JSON body: the options object plus, at top level, `content_base64` or `url`. */
export const openJsonBodySchema = openOptionsSchema.extend({ content_base64: z.string().optional() }).strict();

/** `ttl_seconds` may shorten a session, never make it outlive SESSION_TTL_MAX_SECONDS. */
export function assertTtlWithin(options: SessionOptions, maxSeconds: number): void {
  if (options.ttl_seconds !== undefined && options.ttl_seconds > maxSeconds) {
    throw new DomainError(ErrorCode.InvalidRequest, `ttl_seconds may not exceed ${maxSeconds}.`);
  }
}
