import type {
  CloseReason,
  Collaborator,
  ContentLocation,
  DocumentRecord,
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
  closed_at: Date | null;
  expires_at: Date;
  close_reason: CloseReason | null;
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

export const SESSION_COLUMNS = `id, document_id, tenant_id, mode, user_id, user_display_name, status,
  created_at, opened_at, closed_at, expires_at, close_reason`;
export const DOCUMENT_COLUMNS = `id, tenant_id, external_id, name, content_type, size_bytes, sha256, version,
  status, host_session_id, created_at, purged_at`;

export const OPEN_STATUSES: SessionStatus[] = ['inactive', 'active'];
export const isOpen = (status: SessionStatus) => OPEN_STATUSES.includes(status);

function userOf(row: SessionRow): SessionUser | null {
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
    createdAt: row.created_at.toISOString(),
    openedAt: iso(row.opened_at),
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

export function toDocumentRecord(row: DocumentRow, sessions: SessionRow[]): DocumentRecord {
  const open = sessions.filter((s) => isOpen(s.status));
  const latestExpiry = sessions.reduce((max, s) => Math.max(max, s.expires_at.getTime()), 0);
  const collaborators: Collaborator[] = open.map((s) => ({
    sessionId: s.id,
    user: userOf(s),
    status: s.status,
    host: s.id === row.host_session_id,
  }));
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
    activeSessionsCount: open.length,
    sessionsCount: sessions.length,
    collaborators,
  };
}
