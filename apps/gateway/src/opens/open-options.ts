import {
  callbackSchema,
  contentTypeSchema,
  documentNameSchema,
  DomainError,
  ErrorCode,
  externalIdSchema,
  metadataSchema,
  sessionModeSchema,
  storableText,
  userSchema,
  type SessionMode,
} from '@docsession/contracts';
import { z } from 'zod';

/** The mode of a session whose options do not say. */
export const DEFAULT_MODE: SessionMode = 'edit';

/**
 * What a caller may say about a session it opens, with the schemas of the event that
 * carries it (libs/contracts), so whatever passes here the consumers can store. Strict: an unknown option is a
 * 400, not silently ignored, so a typo never opens a session the caller did not mean.
 */
export const sessionOptionsSchema = z
  .object({
    // `.strict()` makes a new schema: it keeps the description and example, under a name of its own.
    user: userSchema.strict().meta({ example: userSchema.meta()?.example }).optional(),
    mode: sessionModeSchema.optional().meta({ default: DEFAULT_MODE }),
    ttl_seconds: z.number().int().positive().optional().meta({
      description: 'Defaults to SESSION_TTL_SECONDS (21600 = 6 h); may not exceed SESSION_TTL_MAX_SECONDS.',
      example: 21_600,
    }),
    callback: callbackSchema
      .strict()
      .meta({ ...callbackSchema.meta(), id: 'Callback' })
      .optional(),
  })
  .strict()
  .meta({
    id: 'SessionOptions',
    description: 'Body of POST /v1/documents/{document_id}/sessions; every field optional.',
  });
export type SessionOptions = z.infer<typeof sessionOptionsSchema>;

/** The options object of `POST /v1/documents` (multipart `options` part, or the JSON body). */
export const openOptionsSchema = sessionOptionsSchema
  .extend({
    url: storableText(2048).optional().meta({
      description: 'Import the content from this URL instead of sending it (never together with content).',
      example: 'https://example.com/report.docx',
    }),
    document: z
      .object({
        name: documentNameSchema.optional().meta({ example: 'report.docx' }),
        external_id: externalIdSchema.optional().meta({ example: 'crm-4711' }),
        content_type: contentTypeSchema
          .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as text/plain')
          .optional()
          .meta({ example: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }),
      })
      .strict()
      .optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .meta({
    id: 'Options',
    description: 'Every field optional; an unknown or invalid option answers 400 invalid_request.',
  });
export type OpenOptions = z.infer<typeof openOptionsSchema>;

/** The JSON body: the options object plus, at top level, `content_base64` or `url`. */
export const openJsonBodySchema = openOptionsSchema
  .extend({
    content_base64: z.string().optional().meta({ format: 'byte', description: 'The content, base64-encoded.' }),
  })
  .strict()
  .meta({
    id: 'OpenDocumentJson',
    description: 'The Options object plus, at top level, either `content_base64` or `url` (exactly one).',
  });

/** The multipart body: the parts DocumentIntake reads. Described only; the parts are read as they stream. */
export const openMultipartSchema = z.object({
  file: z.string().meta({ format: 'binary', description: 'The content; its filename and content type are used.' }),
  // OpenAPI's default for an object-valued part is application/json: a JSON string of the Options object.
  options: openOptionsSchema.optional(),
});

/** `ttl_seconds` may shorten a session, never make it outlive SESSION_TTL_MAX_SECONDS. */
export function assertTtlWithin(options: SessionOptions, maxSeconds: number): void {
  if (options.ttl_seconds !== undefined && options.ttl_seconds > maxSeconds) {
    throw new DomainError(ErrorCode.InvalidRequest, `ttl_seconds may not exceed ${maxSeconds}.`);
  }
}
