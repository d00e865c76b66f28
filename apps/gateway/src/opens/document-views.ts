import {
  auditEventTypeSchema,
  documentStatusSchema,
  isoTimeSchema,
  sessionStatusSchema,
  userSchema,
  type AuditEventRecord,
  type DocumentDeleteResult,
  type DocumentRecord,
} from '@docsession/contracts';
import { z } from 'zod';
import { sessionViewSchema } from './session-presenter';

/** The answers of the document routes, as the contract shapes them (snake_case). */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const collaboratorSchema = z
  .object({
    session_id: z.uuid(),
    user: userSchema.nullable(),
    status: sessionStatusSchema,
    host: z.boolean().meta({ description: 'The user whose session opened the document.' }),
  })
  .meta({ id: 'Collaborator' });

export const documentViewSchema = z
  .object({
    document_id: z.uuid(),
    external_id: z.string().nullable().meta({ example: 'crm-4711' }),
    name: z.string().meta({ example: 'report.docx' }),
    content_type: z.string(),
    size_bytes: z.int().min(0).meta({ format: 'int64' }),
    sha256,
    version: z.int().min(1),
    status: documentStatusSchema,
    created_at: isoTimeSchema,
    expires_at: isoTimeSchema.meta({ description: 'The latest expires_at of its sessions.' }),
    purged_at: isoTimeSchema.nullable(),
    active_sessions_count: z
      .int()
      .min(0)
      .meta({ description: 'Its sessions that have not ended (inactive or active).' }),
    sessions_count: z.int().min(0).meta({ description: 'All its sessions.' }),
    collaborators: z.array(collaboratorSchema),
  })
  .meta({ id: 'Document' });
export type DocumentView = z.infer<typeof documentViewSchema>;

export const sessionListSchema = z
  .object({ sessions: z.array(sessionViewSchema).meta({ description: 'Newest first.' }) })
  .meta({ id: 'SessionList' });
export type SessionList = z.infer<typeof sessionListSchema>;

export const documentDeletedSchema = z
  .object({ document_id: z.uuid(), status: documentStatusSchema.extract(['purged']), deleted: z.literal(true) })
  .meta({ id: 'DeleteDocumentResult' });
export type DocumentDeletedView = z.infer<typeof documentDeletedSchema>;

export const auditTrailSchema = z
  .object({
    events: z
      .array(
        z.object({
          at: isoTimeSchema,
          type: auditEventTypeSchema,
          session_id: z.uuid().nullable(),
          details: z.record(z.string(), z.unknown()),
        }),
      )
      .meta({ description: 'Oldest first.' }),
  })
  .meta({ id: 'AuditEvents' });
export type AuditTrail = z.infer<typeof auditTrailSchema>;

export function presentDocument(d: DocumentRecord): DocumentView {
  return {
    document_id: d.documentId,
    external_id: d.externalId,
    name: d.name,
    content_type: d.contentType,
    size_bytes: d.sizeBytes,
    sha256: d.sha256,
    version: d.version,
    status: d.status,
    created_at: d.createdAt,
    expires_at: d.expiresAt,
    purged_at: d.purgedAt,
    active_sessions_count: d.activeSessionsCount,
    sessions_count: d.sessionsCount,
    collaborators: d.collaborators.map((c) => ({
      session_id: c.sessionId,
      user: c.user,
      status: c.status,
      host: c.host,
    })),
  };
}

export const presentDeletedDocument = (r: DocumentDeleteResult): DocumentDeletedView => ({
  document_id: r.documentId,
  status: r.status,
  deleted: true,
});

export const presentAuditTrail = (events: AuditEventRecord[]): AuditTrail => ({
  events: events.map((e) => ({ at: e.at, type: e.type, session_id: e.sessionId, details: e.details })),
});
