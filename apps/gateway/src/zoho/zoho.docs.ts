import { z } from 'zod';
import { jsonReply, type ReplyDoc, type RouteDoc } from '../docs/route-doc';
import { pathIdSchema } from '../http/id.pipe';
import { idempotencyKeyHeaderSchema } from '../idempotency/idempotency-key';
import { zohoErrorSchema } from './zoho-errors';
import { callbackSettingsSchema, documentInfoSchema, permissionsSchema, userInfoSchema } from './zoho-parameters';
import { SHEET, SHOW, WRITER, type ZohoProduct } from './zoho-products';
import {
  docDeleteSchema,
  sessionDeleteSchema,
  writerDocumentDeletedSchema,
  writerSessionDeletedSchema,
  zohoCreatedSchema,
  zohoDocumentSchema,
  zohoDocumentSessionsSchema,
  zohoPlanSchema,
  zohoPreviewSchema,
  zohoSessionSchema,
} from './zoho-views';

const ignored = z.looseObject({}).optional().meta({ description: 'Accepted; its keys are ignored.' });

// OpenAPI's default for an object-valued part is application/json: each is a JSON string.
const openParts = (preview: boolean) =>
  z.object({
    apikey: z
      .string()
      .optional()
      .meta({
        description:
          'The API key, when it is not in the `apikey` query parameter. It must come before `document`: a document ' +
          'sent before any key is not processed, and the request answers missing `apikey`.',
      }),
    document: z.string().optional().meta({ format: 'binary', description: 'The content (or `url`).' }),
    url: z.string().optional().meta({ description: 'Import the content from this URL instead (or `document`).' }),
    document_info: documentInfoSchema.optional(),
    ...(!preview && {
      user_info: userInfoSchema.optional(),
      callback_settings: callbackSettingsSchema.optional(),
      editor_settings: ignored,
      ui_options: ignored,
      document_defaults: ignored,
    }),
    permissions: permissionsSchema.optional(),
  });

const sessionId = z.object({ session_id: pathIdSchema('session') });
const documentId = z.object({ document_id: pathIdSchema('document') });
const zohoError = (what: string): ReplyDoc => jsonReply(`Zoho's error: ${what}.`, zohoErrorSchema);

function editorRoutes(p: ZohoProduct, title: string): RouteDoc[] {
  const route = (r: Omit<RouteDoc, 'tag' | 'auth'>): RouteDoc => ({ ...r, tag: 'zoho', auth: 'zoho' });
  const opens =
    'invalid key, invalid parameter, content too large or of a refused type, URL import refused, usage exceeded';
  return [
    route({
      method: 'post',
      path: `${p.base}/${p.documents}`,
      operationId: `zoho${title}Create`,
      summary: `${title}: create, edit or co-edit (billable, as POST /v1/documents)`,
      description:
        'With `document` or `url`, the content is opened; without, a blank document of the product’s format is ' +
        'generated. `document_info.document_id` of a live document of the tenant opens another session on it.',
      headers: idempotencyKeyHeaderSchema,
      body: { required: false, content: { 'multipart/form-data': openParts(false) } },
      replies: { 200: jsonReply('The new session.', zohoCreatedSchema), 400: zohoError(opens) },
    }),
    route({
      method: 'post',
      path: `${p.base}/${p.preview}`,
      operationId: `zoho${title}Preview`,
      summary: `${title}: preview, a view-mode session (billable)`,
      headers: idempotencyKeyHeaderSchema,
      body: { required: true, content: { 'multipart/form-data': openParts(true) } },
      replies: {
        200: jsonReply('The new view-mode session.', zohoPreviewSchema),
        400: zohoError(`${opens}, no content`),
      },
    }),
    route({
      method: 'get',
      path: `${p.base}/sessions/{session_id}`,
      operationId: `zoho${title}GetSession`,
      summary: `${title}: a session's details`,
      params: sessionId,
      replies: { 200: jsonReply('The session.', zohoSessionSchema), 400: zohoError('invalid key or session id') },
    }),
    route({
      method: 'delete',
      path: `${p.base}/${p.sessionDelete}/{session_id}`,
      operationId: `zoho${title}DeleteSession`,
      summary: `${title}: end a session; idempotent`,
      params: sessionId,
      replies: {
        200: jsonReply('Ended.', p === WRITER ? writerSessionDeletedSchema : sessionDeleteSchema),
        400: zohoError('invalid key or session id'),
      },
    }),
    route({
      method: 'delete',
      path: `${p.base}/${p.documents}/{document_id}`,
      operationId: `zoho${title}DeleteDocument`,
      summary: `${title}: end every session of a document and remove its content; idempotent`,
      params: documentId,
      replies: {
        200: jsonReply('Removed.', p === WRITER ? writerDocumentDeletedSchema : docDeleteSchema),
        400: zohoError('invalid key or document id'),
      },
    }),
  ];
}

/** Zoho Office Integrator's v1 routes (the Zoho editor controllers, WriterDocumentsController, ZohoPlanController). */
export const zohoRoutes: RouteDoc[] = [
  ...editorRoutes(WRITER, 'Writer'),
  {
    method: 'get',
    path: `${WRITER.base}/documents/{document_id}`,
    operationId: 'zohoWriterGetDocument',
    tag: 'zoho',
    auth: 'zoho',
    summary: "Writer: a document's details",
    params: documentId,
    replies: { 200: jsonReply('The document.', zohoDocumentSchema), 400: zohoError('invalid key or document id') },
  },
  {
    method: 'get',
    path: `${WRITER.base}/documents/{document_id}/sessions`,
    operationId: 'zohoWriterGetDocumentSessions',
    tag: 'zoho',
    auth: 'zoho',
    summary: 'Writer: a document with its open sessions',
    params: documentId,
    replies: {
      200: jsonReply('The document and its sessions.', zohoDocumentSessionsSchema),
      400: zohoError('invalid key or document id'),
    },
  },
  ...editorRoutes(SHEET, 'Sheet'),
  ...editorRoutes(SHOW, 'Show'),
  {
    method: 'get',
    path: '/api/v1/plan',
    operationId: 'zohoGetPlan',
    tag: 'zoho',
    auth: 'zoho',
    summary: "The tenant's plan and usage in the current period (as GET /v1/usage)",
    replies: { 200: jsonReply('The plan.', zohoPlanSchema), 400: zohoError('invalid key') },
  },
];
