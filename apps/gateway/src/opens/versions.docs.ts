import { z } from 'zod';
import { jsonReply, type RouteDoc } from '../docs/route-doc';
import { pathIdSchema } from '../http/id.pipe';
import { versionListSchema, versionNumberSchema } from './version-views';

const documentId = pathIdSchema('document');

/** The versions a live document's saves kept (VersionsController). */
export const versionRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/documents/{document_id}/versions',
    operationId: 'listDocumentVersions',
    tag: 'documents',
    auth: 'tenant',
    summary: 'The earlier contents its saves kept while it is live, newest first (at most VERSIONS_KEPT)',
    params: z.object({ document_id: documentId }),
    replies: { 200: jsonReply('Its versions.', versionListSchema) },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/documents/{document_id}/versions/{number}/content',
    operationId: 'getDocumentVersionContent',
    tag: 'documents',
    auth: 'tenant',
    summary: "The bytes of one kept version, with the document's content type",
    params: z.object({ document_id: documentId, number: versionNumberSchema }),
    replies: {
      200: {
        description: "The version's content, with the document's content type.",
        headers: z.object({ 'X-Document-Version': versionNumberSchema.meta({ description: 'The version served.' }) }),
        content: { '*/*': z.string().meta({ format: 'binary' }) },
      },
    },
    errors: ['not_found', 'gone'],
  },
];
