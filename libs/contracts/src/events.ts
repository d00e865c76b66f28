import { z } from 'zod';
import { callbackHeadersSchema } from './callback-headers';
import { finalSessionStatusSchema } from './statuses';
import {
  contentTypeSchema,
  documentNameSchema,
  externalIdSchema,
  isStorableText,
  metadataSchema,
  storableText,
  UNSTORABLE_MESSAGE,
} from './storable';

/**
 * Event names on the bus. They are routing keys on the topic exchange and durable
 * bindings of consumer queues: never rename one, add a new one instead.
 */
export const EventName = {
  SessionCreated: 'session.created',
  SessionOpened: 'session.opened',
  SessionClosed: 'session.closed',
  SessionExpired: 'session.expired',
  DocumentPurged: 'document.purged',
} as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

const uuid = z.uuid();
/** The id of the request that caused an event or a job (X-Request-Id): at most 128 visible ASCII characters. */
export const requestIdSchema = z.string().regex(/^[\x21-\x7e]{1,128}$/);
/** An instant: ISO-8601 UTC with milliseconds, as every time of the contract. */
export const isoTimeSchema = z.iso.datetime().meta({ example: '2026-11-27T03:28:54.123Z' });
const isoTime = isoTimeSchema;

export const userSchema = z
  .object({
    id: storableText(255).optional(),
    display_name: storableText(255).optional(),
  })
  .meta({ id: 'User', example: { id: 'u-17', display_name: 'Amelia' } });
export type SessionUser = z.infer<typeof userSchema>;

/** Attempts after the first when a session's callback does not say (`retries`). */
export const DEFAULT_CALLBACK_RETRIES = 3;
/** Each attempt's deadline when a session's callback does not say (`timeout_ms`). */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;

export const callbackSchema = z
  .object({
    save_url: z
      .url({ protocol: /^https?$/ })
      .refine(isStorableText, UNSTORABLE_MESSAGE)
      .meta({ example: 'https://partner.example/save' }),
    headers: callbackHeadersSchema.optional(),
    retries: z.number().int().min(0).max(20).optional().meta({
      description: 'Retries after a failed attempt, with exponential backoff.',
      default: DEFAULT_CALLBACK_RETRIES,
      example: 3,
    }),
    timeout_ms: z.number().int().min(100).max(120_000).optional().meta({
      description: 'Bound of each attempt, in milliseconds.',
      default: DEFAULT_CALLBACK_TIMEOUT_MS,
      example: 10_000,
    }),
  })
  .meta({
    description:
      'On each save the worker POSTs multipart/form-data to save_url: part `content` (the bytes) and part `meta` ' +
      '(JSON: document_id, external_id, session_id, user, version, saved_at, metadata), with the configured headers and ' +
      '`X-Docsession-Signature: sha256=<hex HMAC of the body with the tenant webhook secret>`. A 2xx is success; ' +
      'redirects are not followed. Delivery is at least once: every attempt of one save carries the same body and ' +
      '`X-Docsession-Delivery: <delivery id>` (also `delivery_id` in meta) to deduplicate by.',
  });
export type SaveCallback = z.infer<typeof callbackSchema>;

export const sessionModeSchema = z.enum(['edit', 'view']);
export type SessionMode = z.infer<typeof sessionModeSchema>;

/** `open` uploads a document with its first session; `join` opens another session on it. */
export const openKindSchema = z.enum(['open', 'join']);
export type OpenKind = z.infer<typeof openKindSchema>;

/**
 * The one event of the open path. Its id is the session id, and it carries everything
 * its consumers need, so that neither the session nor the metering service has to ask
 * anyone before it can commit.
 */
export const sessionCreatedSchema = z.object({
  eventId: uuid,
  occurredAt: isoTime,
  tenantId: uuid,
  kind: openKindSchema,
  session: z.object({
    sessionId: uuid,
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    mode: sessionModeSchema,
    user: userSchema.nullable(),
    expiresAt: isoTime,
    callback: callbackSchema.nullable(),
  }),
  document: z.object({
    documentId: uuid,
    name: documentNameSchema,
    externalId: externalIdSchema.nullable(),
    contentType: contentTypeSchema,
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    metadata: metadataSchema.nullable(),
  }),
  /** The open's request id, so that the expiry job it schedules carries it too (logs). */
  requestId: requestIdSchema.optional(),
});
export type SessionCreated = z.infer<typeof sessionCreatedSchema>;

export const closeReasonSchema = z.enum([
  'closed_by_user',
  'idle_timeout',
  'deleted_by_api',
  'document_deleted',
  'expired',
]);
export type CloseReason = z.infer<typeof closeReasonSchema>;

/** Emitted after a session reached a final status (closed or expired). */
export const sessionEndedSchema = z.object({
  eventId: uuid,
  occurredAt: isoTime,
  tenantId: uuid,
  sessionId: uuid,
  documentId: uuid,
  status: finalSessionStatusSchema,
  reason: closeReasonSchema,
});
export type SessionEnded = z.infer<typeof sessionEndedSchema>;

/** Emitted after a document's content was removed from the blob store. */
export const documentPurgedSchema = z.object({
  eventId: uuid,
  occurredAt: isoTime,
  tenantId: uuid,
  documentId: uuid,
});
export type DocumentPurged = z.infer<typeof documentPurgedSchema>;

/**
 * Emitted when a session's page was first loaded (`inactive` → `active`). Its event id is
 * derived from the session id, so the rare duplicate (two first loads at once) is recognisable.
 */
export const sessionOpenedSchema = z.object({
  eventId: uuid,
  occurredAt: isoTime,
  tenantId: uuid,
  sessionId: uuid,
  documentId: uuid,
});
export type SessionOpened = z.infer<typeof sessionOpenedSchema>;

/** Which payload travels under which name: a payload cannot drift from its name. */
export interface EventMap {
  [EventName.SessionCreated]: SessionCreated;
  [EventName.SessionOpened]: SessionOpened;
  [EventName.SessionClosed]: SessionEnded;
  [EventName.SessionExpired]: SessionEnded;
  [EventName.DocumentPurged]: DocumentPurged;
}
