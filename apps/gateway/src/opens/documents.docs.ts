import { z } from 'zod';
import { jsonBody, jsonReply, type RouteDoc } from '../docs/route-doc';
import { pathIdSchema } from '../http/id.pipe';
import { idempotencyKeyHeaderSchema } from '../idempotency/idempotency-key';
import { auditTrailSchema, documentDeletedSchema, documentViewSchema, sessionListSchema } from './document-views';
import { openJsonBodySchema, openMultipartSchema, sessionOptionsSchema } from './open-options';
import { sessionViewSchema } from './session-presenter';

const documentId = z.object({ document_id: pathIdSchema('document') });

const openedHeaders = z.object({
  Location: z.url().meta({ description: 'The session_url of the new session.' }),
  'Idempotent-Replayed': z
    .literal('true')
    .optional()
    .meta({ description: '`true` on a replay of an earlier request with the same Idempotency-Key.' }),
});

const opened = { 201: jsonReply('Created.', sessionViewSchema, openedHeaders) };
const bytes = z.string().meta({ format: 'binary' });

/** The tenant's document routes (DocumentsController, AuditController). */
export const documentRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/documents',
    operationId: 'createDocument',
    tag: 'documents',
    auth: 'tenant',
    summary: 'Upload a document and open its first session (billable)',
    headers: idempotencyKeyHeaderSchema,
    body: {
      required: true,
      description:
        'A JSON body may be as large as MAX_UPLOAD_BYTES needs in base64 plus 64 KiB; a multipart file at most ' +
        'MAX_UPLOAD_BYTES. The API key is checked before any of the body is read.',
      content: { 'multipart/form-data': openMultipartSchema, 'application/json': openJsonBodySchema },
    },
    replies: opened,
    errors: [
      'invalid_request',
      'idempotency_key_reused',
      'payload_too_large',
      'unsupported_media_type',
      'url_fetch_failed',
      'usage_exceeded',
    ],
  },
  {
    method: 'get',
    path: '/v1/documents/{document_id}',
    operationId: 'getDocument',
    tag: 'documents',
    auth: 'tenant',
    summary: 'The document, with its session counts and collaborators',
    params: documentId,
    replies: { 200: jsonReply('The document.', documentViewSchema) },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    path: '/v1/documents/{document_id}',
    operationId: 'deleteDocument',
    tag: 'documents',
    auth: 'tenant',
    summary: 'End every open session (document_deleted) and remove the content now; idempotent',
    params: documentId,
    replies: { 200: jsonReply('Deleted (or already).', documentDeletedSchema) },
    errors: ['not_found'],
  },
  {
    method: 'post',
    path: '/v1/documents/{document_id}/sessions',
    operationId: 'createSession',
    tag: 'sessions',
    auth: 'tenant',
    summary: 'Open another session on a live document (co-editing, billable)',
    params: documentId,
    headers: idempotencyKeyHeaderSchema,
    body: jsonBody(sessionOptionsSchema, false),
    replies: opened,
    errors: ['invalid_request', 'not_found', 'idempotency_key_reused', 'gone', 'payload_too_large', 'usage_exceeded'],
  },
  {
    method: 'get',
    path: '/v1/documents/{document_id}/sessions',
    operationId: 'listDocumentSessions',
    tag: 'sessions',
    auth: 'tenant',
    summary: 'The sessions of a document, newest first',
    params: documentId,
    replies: { 200: jsonReply('Its sessions.', sessionListSchema) },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/documents/{document_id}/content',
    operationId: 'getDocumentContent',
    tag: 'documents',
    auth: 'tenant',
    summary: "The current bytes with the document's content type, while live",
    params: documentId,
    replies: { 200: { description: "The content, with the document's content type.", content: { '*/*': bytes } } },
    errors: ['not_found', 'gone'],
  },
  {
    method: 'get',
    path: '/v1/documents/{document_id}/events',
    operationId: 'listDocumentEvents',
    tag: 'documents',
    auth: 'tenant',
    summary: 'The audit trail, oldest first; kept after the content is removed',
    params: documentId,
    replies: { 200: jsonReply('The audit trail (kept AUDIT_RETENTION_DAYS, default 90).', auditTrailSchema) },
    errors: ['not_found'],
  },
];
