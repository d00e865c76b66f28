import { execute, queryRows } from '@docsession/platform';
import {
  documentStatusSchema,
  finalSessionStatusSchema,
  type CloseReason,
  type SessionCreated,
  type SessionStatus,
} from '@docsession/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { expireSessionsIn } from './bulk-expiry';
import { removeVersionsOf } from './document-versions';
import { removeWopiLocks } from './wopi-store';
import { z } from 'zod';
import {
  anyRow,
  DOCUMENT_COLUMNS,
  ENDED_AT,
  documentRowSchema,
  idRow,
  SESSION_COLUMNS,
  sessionRowSchema,
  sessionStatusRow,
  type DocumentRow,
  type SessionRow,
} from './rows';

export type EndStatus = 'closed' | 'expired';

const documentStatusRow = z.object({ status: documentStatusSchema });
/** The status of a session the statement just ended. */
const endStatusRow = z.object({ status: finalSessionStatusSchema, ended_at: z.date() });

/** What ending one or more sessions changed, for the side effects after commit. */
export interface EndOutcome {
  tenantId: string;
  documentId: string;
  /** Sessions this call moved to a final status. */
  ended: { sessionId: string; status: EndStatus; reason: CloseReason; endedAt: Date }[];
  /** True when this call removed the document's content (its last open session ended). */
  purged: boolean;
  /** The blobs of its saved versions, whose rows went with the content (none unless purged). */
  versionBlobs: string[];
}

/**
 * A condition for ending a session that must still hold under the document lock, so that a
 * heartbeat or reload racing the idle or close-grace job keeps the session.
 */
export type EndCondition =
  /** No sign of life (load, heartbeat, save) for this many seconds. */
  | { idleForSeconds: number }
  /** A close beacon came at least this many seconds ago, and no sign of life since. */
  | { closeRequestedSecondsAgo: number };

/**
 * SQL of the session context. Every statement that can run twice (redelivered events,
 * retried jobs, repeated DELETEs) is written to change nothing the second time.
 */
export class SessionStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores `open` events — each a document, its first session and an audit entry — in
   * one statement: one round trip and one commit for the whole batch, and nothing
   * changed for an event already stored.
   */
  async insertOpens(events: SessionCreated[]): Promise<void> {
    const column = <V>(pick: (e: SessionCreated) => V) => events.map(pick);
    await execute(
      this.db,
      `WITH input AS (
         SELECT * FROM unnest(
           $1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::jsonb[],
           $9::uuid[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[], $15::jsonb[],
           $16::timestamptz[], $17::jsonb[]
         ) AS t(document_id, tenant_id, external_id, name, content_type, size_bytes, sha256, metadata,
                session_id, created_at, token_hash, mode, user_id, user_display_name, callback,
                expires_at, details)
       ), doc AS (
         INSERT INTO session.documents
           (id, tenant_id, external_id, name, content_type, size_bytes, sha256, metadata, host_session_id, created_at)
         SELECT document_id, tenant_id, external_id, name, content_type, size_bytes, sha256, metadata, session_id, created_at
         FROM input
         ON CONFLICT (id) DO NOTHING RETURNING id
       ), ses AS (
         INSERT INTO session.sessions
           (id, document_id, tenant_id, token_hash, mode, user_id, user_display_name, status, callback, created_at, expires_at)
         SELECT i.session_id, i.document_id, i.tenant_id, i.token_hash, i.mode, i.user_id, i.user_display_name,
                'inactive', i.callback, i.created_at, i.expires_at
         FROM input i JOIN doc ON doc.id = i.document_id
         ON CONFLICT (id) DO NOTHING RETURNING id
       )
       INSERT INTO session.audit_events (document_id, session_id, type, at, details)
       SELECT i.document_id, i.session_id, 'session.created', i.created_at, i.details
       FROM input i JOIN ses ON ses.id = i.session_id`,
      [
        column((e) => e.document.documentId),
        column((e) => e.tenantId),
        column((e) => e.document.externalId),
        column((e) => e.document.name),
        column((e) => e.document.contentType),
        column((e) => e.document.sizeBytes),
        column((e) => e.document.sha256),
        column((e) => e.document.metadata),
        column((e) => e.session.sessionId),
        column((e) => e.occurredAt),
        column((e) => e.session.tokenHash),
        column((e) => e.session.mode),
        column((e) => e.session.user?.id ?? null),
        column((e) => e.session.user?.display_name ?? null),
        column((e) => e.session.callback),
        column((e) => e.session.expiresAt),
        column(createdDetails),
      ],
    );
  }

  /**
   * Stores a `join` event. The document row is locked so that a join and the end of the
   * document's last session cannot interleave; a join that arrives after the content was
   * removed is stored as already closed (it was billed: the call happened).
   * Returns 'missing' when the document does not exist for that tenant.
   */
  async insertJoin(e: SessionCreated): Promise<'inserted' | 'duplicate' | 'missing'> {
    const s = e.session;
    return this.db.transaction(async (tx) => {
      const docs = await queryRows(
        tx,
        documentStatusRow,
        `SELECT status FROM session.documents WHERE id = $1 AND tenant_id = $2 FOR SHARE`,
        [e.document.documentId, e.tenantId],
      );
      if (!docs.length) return 'missing';
      const live = docs[0].status === 'live';
      const inserted = await queryRows(
        tx,
        anyRow,
        `INSERT INTO session.sessions
           (id, document_id, tenant_id, token_hash, mode, user_id, user_display_name, status, callback,
            created_at, expires_at, closed_at, close_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          s.sessionId,
          e.document.documentId,
          e.tenantId,
          s.tokenHash,
          s.mode,
          s.user?.id ?? null,
          s.user?.display_name ?? null,
          live ? 'inactive' : 'closed',
          s.callback,
          e.occurredAt,
          s.expiresAt,
          live ? null : e.occurredAt,
          live ? null : 'document_deleted',
        ],
      );
      if (!inserted.length) return 'duplicate';
      await audit(tx, e.document.documentId, s.sessionId, 'session.created', createdDetails(e), e.occurredAt);
      if (!live) await audit(tx, e.document.documentId, s.sessionId, 'session.closed', { reason: 'document_deleted' });
      return 'inserted';
    });
  }

  async findSession(tenantId: string, sessionId: string): Promise<SessionRow | null> {
    const rows = await queryRows(
      this.db,
      sessionRowSchema,
      `SELECT ${SESSION_COLUMNS} FROM session.sessions WHERE id = $1 AND tenant_id = $2`,
      [sessionId, tenantId],
    );
    return rows[0] ?? null;
  }

  async findSessionByToken(tokenHash: string): Promise<SessionRow | null> {
    const rows = await queryRows(
      this.db,
      sessionRowSchema,
      `SELECT ${SESSION_COLUMNS} FROM session.sessions WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async findDocument(tenantId: string, documentId: string): Promise<DocumentRow | null> {
    const rows = await queryRows(
      this.db,
      documentRowSchema,
      `SELECT ${DOCUMENT_COLUMNS} FROM session.documents WHERE id = $1 AND tenant_id = $2`,
      [documentId, tenantId],
    );
    return rows[0] ?? null;
  }

  /** The newest live document the tenant keeps under an external id. */
  async findLiveDocumentId(tenantId: string, externalId: string): Promise<string | null> {
    const rows = await queryRows(
      this.db,
      idRow,
      `SELECT id FROM session.documents
        WHERE tenant_id = $1 AND external_id = $2 AND status = 'live'
        ORDER BY created_at DESC LIMIT 1`,
      [tenantId, externalId],
    );
    return rows[0]?.id ?? null;
  }

  /** Newest first, as the contract lists them. */
  async listSessions(documentId: string): Promise<SessionRow[]> {
    return queryRows(
      this.db,
      sessionRowSchema,
      `SELECT ${SESSION_COLUMNS} FROM session.sessions WHERE document_id = $1 ORDER BY created_at DESC, id DESC`,
      [documentId],
    );
  }

  /** The page reported in: `inactive` becomes `active`. The session just opened, or null if it was not inactive. */
  async markOpened(sessionId: string): Promise<SessionRow | null> {
    return this.db.transaction(async (tx) => {
      const opened = await queryRows(
        tx,
        sessionRowSchema,
        `UPDATE session.sessions SET status = 'active', opened_at = now(), last_seen_at = now()
         WHERE id = $1 AND status = 'inactive' RETURNING ${SESSION_COLUMNS}`,
        [sessionId],
      );
      if (!opened.length) return null;
      await audit(tx, opened[0].document_id, sessionId, 'session.opened', {});
      return opened[0];
    });
  }

  /**
   * Ends one session if it is still open. `tenantId` null is the system acting (expiry).
   * Returns null when the session does not exist (for that tenant).
   */
  async endSession(
    sessionId: string,
    tenantId: string | null,
    status: EndStatus,
    reason: CloseReason,
    condition?: EndCondition,
  ): Promise<{ outcome: EndOutcome; finalStatus: SessionStatus } | null> {
    return this.db.transaction(async (tx) => {
      // Lock the document first: closes of its sessions then run one at a time, so the
      // last one to end always sees that no other is open and removes the content.
      const docs = await queryRows(
        tx,
        z.object({ document_id: z.string(), tenant_id: z.string() }),
        `SELECT d.id AS document_id, d.tenant_id FROM session.documents d
         JOIN session.sessions s ON s.document_id = d.id
         WHERE s.id = $1 AND ($2::uuid IS NULL OR s.tenant_id = $2) FOR UPDATE OF d`,
        [sessionId, tenantId],
      );
      if (!docs.length) return null;
      const { document_id: documentId, tenant_id: owner } = docs[0];
      // With a condition that no longer holds nothing changes (outcome.ended stays empty).
      const idle = condition && 'idleForSeconds' in condition ? condition.idleForSeconds : null;
      const closeGrace =
        condition && 'closeRequestedSecondsAgo' in condition ? condition.closeRequestedSecondsAgo : null;
      const updated = await queryRows(
        tx,
        endStatusRow,
        `UPDATE session.sessions SET status = $2, close_reason = $3, closed_at = now()
         WHERE id = $1 AND status IN ('inactive', 'active')
           AND ($4::int IS NULL OR coalesce(last_seen_at, opened_at, created_at) <= now() - make_interval(secs => $4::int))
           AND ($5::int IS NULL OR closing_requested_at <= now() - make_interval(secs => $5::int))
         RETURNING status, ${ENDED_AT}`,
        [sessionId, status, reason, idle, closeGrace],
      );
      const outcome: EndOutcome = { tenantId: owner, documentId, ended: [], purged: false, versionBlobs: [] };
      if (!updated.length) {
        // Without a condition, a session this did not end was final already; with one that no
        // longer holds, it is still open.
        const current = await queryRows(tx, sessionStatusRow, `SELECT status FROM session.sessions WHERE id = $1`, [
          sessionId,
        ]);
        return { outcome, finalStatus: current[0].status };
      }
      outcome.ended.push({ sessionId, status, reason, endedAt: updated[0].ended_at });
      await audit(tx, documentId, sessionId, status === 'expired' ? 'session.expired' : 'session.closed', { reason });
      Object.assign(outcome, await purgeIfUnused(tx, documentId));
      return { outcome, finalStatus: status };
    });
  }

  /** Expires these sessions (those still open) in one transaction: expiry jobs due together. */
  expireSessions(sessionIds: string[]): Promise<EndOutcome[]> {
    return this.db.transaction((tx) => expireSessionsIn(tx, sessionIds, false));
  }

  /** Ends every open session of a document and removes its content. Null when unknown. */
  async endDocument(tenantId: string, documentId: string): Promise<EndOutcome | null> {
    return this.db.transaction(async (tx) => {
      const docs = await queryRows(
        tx,
        anyRow,
        `SELECT id FROM session.documents WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
        [documentId, tenantId],
      );
      if (!docs.length) return null;
      const closed = await queryRows(
        tx,
        idRow.extend({ ended_at: z.date() }),
        `UPDATE session.sessions SET status = 'closed', close_reason = 'document_deleted', closed_at = now()
         WHERE document_id = $1 AND status IN ('inactive', 'active') RETURNING id, ${ENDED_AT}`,
        [documentId],
      );
      for (const { id } of closed) {
        await audit(tx, documentId, id, 'session.closed', { reason: 'document_deleted' });
      }
      return {
        tenantId,
        documentId,
        ended: closed.map(({ id, ended_at }) => ({
          sessionId: id,
          status: 'closed' as const,
          reason: 'document_deleted' as const,
          endedAt: ended_at,
        })),
        ...(await purgeIfUnused(tx, documentId)),
      };
    });
  }
}

/**
 * Marks the document purged when none of its sessions is open, and removes what goes with its
 * content (WOPI locks, version rows): `purged` true if this call did.
 */
async function purgeIfUnused(
  tx: EntityManager,
  documentId: string,
): Promise<Pick<EndOutcome, 'purged' | 'versionBlobs'>> {
  const purged = await queryRows(
    tx,
    anyRow,
    `UPDATE session.documents d SET status = 'purged', purged_at = now()
     WHERE d.id = $1 AND d.status = 'live' AND NOT EXISTS (
       SELECT 1 FROM session.sessions s WHERE s.document_id = d.id AND s.status IN ('inactive', 'active'))
     RETURNING d.id`,
    [documentId],
  );
  if (!purged.length) return { purged: false, versionBlobs: [] };
  await audit(tx, documentId, null, 'document.purged', {});
  await removeWopiLocks(tx, [documentId]);
  const versions = await removeVersionsOf(tx, [documentId]);
  return { purged: true, versionBlobs: versions.get(documentId) ?? [] };
}

async function audit(
  tx: EntityManager,
  documentId: string,
  sessionId: string | null,
  type: string,
  details: object,
  at?: string,
): Promise<void> {
  await execute(
    tx,
    `INSERT INTO session.audit_events (document_id, session_id, type, at, details)
     VALUES ($1, $2, $3, coalesce($4::timestamptz, now()), $5)`,
    [documentId, sessionId, type, at ?? null, details],
  );
}

function createdDetails(e: SessionCreated) {
  return { kind: e.kind, mode: e.session.mode, user: e.session.user, expires_at: e.session.expiresAt };
}
