import {
  closeReasonSchema,
  documentStatusSchema,
  sessionModeSchema,
  sessionStatusSchema,
  type ContentLocation,
  type DocumentRecord,
  type DocumentSessions,
  type SessionRecord,
  type SessionStatus,
  type SessionUser,
} from '@docsession/contracts';
import { z } from 'zod';

/*
 * Rows as PostgreSQL returns them (through `pg`: bigint as a string, timestamptz as a Date),
 * checked by queryRows against these schemas, and their mapping to the contract's records.
 */

export const sessionRowSchema = z.object({
  id: z.string(),
  document_id: z.string(),
  tenant_id: z.string(),
  mode: sessionModeSchema,
  user_id: z.string().nullable(),
  user_display_name: z.string().nullable(),
  status: sessionStatusSchema,
  created_at: z.date(),
  opened_at: z.date().nullable(),
  last_seen_at: z.date().nullable(),
  closed_at: z.date().nullable(),
  expires_at: z.date(),
  close_reason: closeReasonSchema.nullable(),
  is_host: z.boolean(),
});
export type SessionRow = z.infer<typeof sessionRowSchema>;

export const documentRowSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  content_type: z.string(),
  size_bytes: z.string(),
  sha256: z.string(),
  version: z.number(),
  status: documentStatusSchema,
  host_session_id: z.string(),
  created_at: z.date(),
  purged_at: z.date().nullable(),
});
export type DocumentRow = z.infer<typeof documentRowSchema>;

/** The small shapes many statements return. */
export const idRow = z.object({ id: z.string() });
/** A row whose columns nobody reads: only that it exists (`SELECT 1`, `RETURNING 1`). */
export const anyRow = z.object({});
export const sessionStatusRow = z.object({ status: sessionStatusSchema });

/**
 * The host is the user of the session that opened the document (`host_session_id`): that
 * session, and any other naming the same user id. Written against the unaliased table, so it
 * works in a SELECT from session.sessions and in an UPDATE's RETURNING alike.
 */
const IS_HOST = `EXISTS (
    SELECT 1 FROM session.documents hd JOIN session.sessions hs ON hs.id = hd.host_session_id
    WHERE hd.id = sessions.document_id AND (hs.id = sessions.id OR hs.user_id = sessions.user_id)
  ) AS is_host`;

export const SESSION_COLUMNS = `id, document_id, tenant_id, mode, user_id, user_display_name, status,
  created_at, opened_at, last_seen_at, closed_at, expires_at, close_reason, ${IS_HOST}`;
export const DOCUMENT_COLUMNS = `id, tenant_id, external_id, name, content_type, size_bytes, sha256, version,
  status, host_session_id, created_at, purged_at`;

export const OPEN_STATUSES: SessionStatus[] = ['inactive', 'active'];
export const isOpen = (status: SessionStatus) => OPEN_STATUSES.includes(status);

/** The user a session (or a row joined with one) names, as the contract shows it. */
export function userOf(row: Pick<SessionRow, 'user_id' | 'user_display_name'>): SessionUser | null {
  if (row.user_id === null && row.user_display_name === null) return null;
  const user: SessionUser = {};
  if (row.user_id !== null) user.id = row.user_id;
  if (row.user_display_name !== null) user.display_name = row.user_display_name;
  return user;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    sessionId: row.id,
    documentId: row.document_id,
    status: row.status,
    mode: row.mode,
    user: userOf(row),
    isHost: row.is_host,
    createdAt: row.created_at.toISOString(),
    openedAt: iso(row.opened_at),
    lastSeenAt: iso(row.last_seen_at),
    closedAt: iso(row.closed_at),
    expiresAt: row.expires_at.toISOString(),
    closeReason: row.close_reason,
  };
}

export function toContentLocation(row: DocumentRow): ContentLocation {
  return {
    documentId: row.id,
    name: row.name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    version: row.version,
  };
}

/** `sessions` are all the document's sessions, newest first (SessionStore.listSessions). */
export function toDocumentSessions(row: DocumentRow, sessions: SessionRow[]): DocumentSessions {
  const host = sessions.find((s) => s.id === row.host_session_id);
  const users = new Set(sessions.map((s) => (s.user_id === null ? `session:${s.id}` : `user:${s.user_id}`)));
  return {
    host: host ? userOf(host) : null,
    collaboratorsCount: users.size,
    activeSessionsCount: sessions.filter((s) => isOpen(s.status)).length,
    sessionsCount: sessions.length,
    sessions: sessions.map(toSessionRecord),
  };
}

export function toDocumentRecord(row: DocumentRow, sessions: SessionRow[]): DocumentRecord {
  const { sessions: records, ...participation } = toDocumentSessions(row, sessions);
  const latestExpiry = sessions.reduce((max, s) => Math.max(max, s.expires_at.getTime()), 0);
  return {
    documentId: row.id,
    externalId: row.external_id,
    name: row.name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    version: row.version,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    expiresAt: new Date(latestExpiry || row.created_at.getTime()).toISOString(),
    purgedAt: iso(row.purged_at),
    ...participation,
    collaborators: records.filter((s) => isOpen(s.status)),
  };
}

/**
 * In a RETURNING of a session just made final: when it ended. An expiry ended at its
 * `expires_at` (the job runs a little after it), any other end when it was closed.
 */
export const ENDED_AT = `CASE WHEN status = 'expired' THEN least(expires_at, closed_at) ELSE closed_at END AS ended_at`;
