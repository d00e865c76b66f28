import type {
  CloseReason,
  ContentLocation,
  DocumentRecord,
  DocumentSessions,
  DocumentStatus,
  SessionMode,
  SessionRecord,
  SessionStatus,
  SessionUser,
} from '@docsession/contracts';

/** Rows as PostgreSQL returns them, and their mapping to the records of the contract. */
export interface SessionRow {
  id: string;
  document_id: string;
  tenant_id: string;
  mode: SessionMode;
  user_id: string | null;
  user_display_name: string | null;
  status: SessionStatus;
  created_at: Date;
  opened_at: Date | null;
  last_seen_at: Date | null;
  closed_at: Date | null;
  expires_at: Date;
  close_reason: CloseReason | null;
  is_host: boolean;
}

export interface DocumentRow {
  id: string;
  tenant_id: string;
  external_id: string | null;
  name: string;
  content_type: string;
  size_bytes: string; // bigint arrives as a string
  sha256: string;
  version: number;
  status: DocumentStatus;
  host_session_id: string;
  created_at: Date;
  purged_at: Date | null;
}

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
