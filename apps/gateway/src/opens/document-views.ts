import {
  auditEventTypeSchema,
  documentStatusSchema,
  isoTimeSchema,
  sessionStatusSchema,
  userSchema,
  type AuditEventRecord,
  type DocumentDeleteResult,
  type DocumentRecord,
  type DocumentSessions,
  type Participation,
  type SessionRecord,
} from '@docsession/contracts';
import { z } from 'zod';
import { attendanceFields, sessionViewSchema, type SessionPresenter } from './session-presenter';

/** The answers of the document routes, as the contract shapes them (snake_case). */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const collaboratorSchema = z
  .object({
    session_id: z.uuid(),
    status: sessionStatusSchema,
    host: z.boolean().meta({ description: 'The same as `is_host`.' }),
    ...attendanceFields,
  })
  .meta({ id: 'Collaborator', description: 'A session of the document that has not ended.' });
export type Collaborator = z.infer<typeof collaboratorSchema>;

/** Who took part in a document, in the document and in the list of its sessions alike. */
const participationFields = {
  host: userSchema.nullable().meta({
    description: "The user of the document's first session (the one that opened it); null when it named none.",
  }),
  collaborators_count: z
    .int()
    .min(0)
    .meta({
      description:
        'Distinct users among all its sessions, ended ones included (by `user.id`; a session without one counts ' +
        'as a user of its own).',
      example: 2,
    }),
  active_sessions_count: z
    .int()
    .min(0)
    .meta({ description: 'Its sessions that have not ended (inactive or active).', example: 1 }),
  sessions_count: z.int().min(0).meta({ description: 'All its sessions.', example: 3 }),
};

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
    ...participationFields,
    collaborators: z.array(collaboratorSchema).meta({ description: 'Its sessions that have not ended, newest first.' }),
  })
  .meta({ id: 'Document' });
export type DocumentView = z.infer<typeof documentViewSchema>;

export const sessionListSchema = z
  .object({
    sessions: z.array(sessionViewSchema).meta({ description: 'Newest first.' }),
    ...participationFields,
  })
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

const presentParticipation = (p: Participation) => ({
  host: p.host,
  collaborators_count: p.collaboratorsCount,
  active_sessions_count: p.activeSessionsCount,
  sessions_count: p.sessionsCount,
});

export const presentCollaborator = (s: SessionRecord): Collaborator => ({
  session_id: s.sessionId,
  status: s.status,
  host: s.isHost,
  user: s.user,
  is_host: s.isHost,
  opened_at: s.openedAt,
  last_seen_at: s.lastSeenAt,
  closed_at: s.closedAt,
  close_reason: s.closeReason,
});

export function presentSessionList(list: DocumentSessions, presenter: SessionPresenter): SessionList {
  return { sessions: list.sessions.map((s) => presenter.present(s)), ...presentParticipation(list) };
}

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
    ...presentParticipation(d),
    collaborators: d.collaborators.map(presentCollaborator),
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
