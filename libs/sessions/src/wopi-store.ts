import {
  COOL_DOCUMENT_CHANGED,
  DomainError,
  ErrorCode,
  type WopiAccess,
  type WopiFile,
  type WopiLockRequest,
  type WopiLockResult,
  type WopiSaveConditions,
} from '@docsession/contracts';
import { execute, queryRows } from '@docsession/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  anyRow,
  DOCUMENT_COLUMNS,
  documentRowSchema,
  SESSION_COLUMNS,
  sessionRowSchema,
  toSessionRecord,
} from './rows';
import { decideLock, putFileLockConflict } from './wopi-lock-rules';

const OPEN = `('inactive', 'active')`;
const noAccess = () => new DomainError(ErrorCode.Unauthorized, 'The access token does not grant access to this file.');

/**
 * The session context's side of the WOPI host: whose token a request carries, the document's
 * lock, and PutFile's preconditions (checked by the one save path, DocumentSaves).
 *
 * Locks are rows of `session.wopi_locks`, not Redis keys: a PutFile must check the lock and
 * bump the version in one transaction under the document's row lock, and the lock must go in
 * the transaction that purges the document. A row gives both, on every gateway, and survives a
 * Redis flush (a lost lock would make the editor's next save fail). Locks are taken about once
 * per editing session and refreshed every few minutes: no load worth a cache.
 *
 * Every WOPI request with a valid token is the session's presence (`last_seen_at`), so an
 * editing user is never closed as idle. It never cancels a close beacon: the editor server goes
 * on calling (an exit save, an unlock) after the tab closed, and that must not keep the session.
 */
export class WopiStore {
  constructor(
    private readonly db: DataSource,
    private readonly lockSeconds: number,
  ) {}

  /** CheckFileInfo, GetFile and the first step of every other call: the token, for this document. */
  async access(tokenHash: string, documentId: string): Promise<WopiAccess> {
    const sessions = await queryRows(
      this.db,
      sessionRowSchema,
      `UPDATE session.sessions SET last_seen_at = now()
       WHERE token_hash = $1 AND document_id = $2 AND status IN ${OPEN} RETURNING ${SESSION_COLUMNS}`,
      [tokenHash, documentId],
    );
    if (!sessions[0]) throw await refusal(this.db, documentId);
    const docs = await queryRows(
      this.db,
      wopiDocumentRowSchema,
      `SELECT ${DOCUMENT_COLUMNS}, coalesce(modified_at, created_at) AS modified_at FROM session.documents WHERE id = $1`,
      [documentId],
    );
    const doc = docs[0];
    if (!doc || doc.status !== 'live') throw noAccess();
    return { session: toSessionRecord(sessions[0]), file: toWopiFile(doc) };
  }

  /** LOCK, UnlockAndRelock, UNLOCK, REFRESH_LOCK, GET_LOCK: one transaction under the document's lock. */
  async applyLock(request: WopiLockRequest): Promise<WopiLockResult> {
    const { tokenHash, documentId, operation } = request;
    return this.db.transaction(async (tx) => {
      const { sessionId, mode, version } = await lockedAccess(tx, tokenHash, documentId);
      if (operation !== 'get' && mode !== 'edit') {
        throw new DomainError(ErrorCode.Unauthorized, 'This session is view only: it cannot lock the file.');
      }
      const decision = decideLock(operation, await heldLock(tx, documentId), request.lock, request.oldLock);
      if (decision.change.kind === 'set') {
        await execute(
          tx,
          `INSERT INTO session.wopi_locks (document_id, lock_id, expires_at)
           VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (document_id) DO UPDATE SET lock_id = EXCLUDED.lock_id, expires_at = EXCLUDED.expires_at`,
          [documentId, decision.change.lockId, this.lockSeconds],
        );
      } else if (decision.change.kind === 'clear') {
        await execute(tx, `DELETE FROM session.wopi_locks WHERE document_id = $1`, [documentId]);
      }
      await execute(tx, `UPDATE session.sessions SET last_seen_at = now() WHERE id = $1`, [sessionId]);
      return { ok: decision.ok, lock: decision.reported, version };
    });
  }
}

const wopiDocumentRowSchema = documentRowSchema.extend({ modified_at: z.date() });
type WopiDocumentRow = z.infer<typeof wopiDocumentRowSchema>;

function toWopiFile(doc: WopiDocumentRow): WopiFile {
  return {
    documentId: doc.id,
    ownerId: doc.tenant_id,
    name: doc.name,
    contentType: doc.content_type,
    sizeBytes: Number(doc.size_bytes),
    version: doc.version,
    modifiedAt: doc.modified_at.toISOString(),
  };
}

/** Why a token does not open this document: the document does not exist (404), or no access (401). */
async function refusal(db: DataSource | EntityManager, documentId: string): Promise<DomainError> {
  const docs = await queryRows(db, anyRow, `SELECT 1 FROM session.documents WHERE id = $1`, [documentId]);
  return docs.length ? noAccess() : new DomainError(ErrorCode.NotFound, 'No such file.');
}

/** The session of `tokenHash` on `documentId`, checked under the document's row lock (sessions end only under it). */
async function lockedAccess(tx: EntityManager, tokenHash: string, documentId: string) {
  const sessions = await queryRows(
    tx,
    z.object({ id: z.string(), document_id: z.string() }),
    `SELECT id, document_id FROM session.sessions WHERE token_hash = $1`,
    [tokenHash],
  );
  if (sessions[0]?.document_id !== documentId) throw await refusal(tx, documentId);
  const docs = await queryRows(
    tx,
    z.object({ status: z.string(), version: z.number() }),
    `SELECT status, version FROM session.documents WHERE id = $1 FOR UPDATE`,
    [documentId],
  );
  const current = await queryRows(
    tx,
    z.object({ status: z.string(), mode: z.string() }),
    `SELECT status, mode FROM session.sessions WHERE id = $1 AND status IN ${OPEN}`,
    [sessions[0].id],
  );
  if (!current[0] || docs[0]?.status !== 'live') throw noAccess();
  return { sessionId: sessions[0].id, mode: current[0].mode, version: docs[0].version };
}

/** The document's lock, unless it expired (an expired row is no lock; the next LOCK overwrites it). */
async function heldLock(tx: EntityManager, documentId: string): Promise<string | null> {
  const rows = await queryRows(
    tx,
    z.object({ lock_id: z.string() }),
    `SELECT lock_id FROM session.wopi_locks WHERE document_id = $1 AND expires_at > now()`,
    [documentId],
  );
  return rows[0]?.lock_id ?? null;
}

/**
 * PutFile's preconditions, inside the save's transaction and under the document's lock (the
 * caller holds it): the lock held is the request's, or there is none and the file is empty; and
 * the version the editor loaded (Collabora's timestamp) is not older than the last save.
 */
export async function assertWopiSave(
  tx: EntityManager,
  document: { sizeBytes: number; modifiedAt: Date },
  conditions: WopiSaveConditions,
): Promise<void> {
  const held = await heldLock(tx, conditions.documentId);
  const conflict = putFileLockConflict(held, conditions.lock, document.sizeBytes);
  if (conflict !== null) {
    throw new DomainError(ErrorCode.Conflict, 'The file is not locked by this editor.', { lock: conflict });
  }
  if (conditions.timestamp !== null && Date.parse(conditions.timestamp) < document.modifiedAt.getTime()) {
    throw new DomainError(ErrorCode.Conflict, 'The file changed since the editor loaded it.', {
      lock: held ?? '',
      cool_status_code: COOL_DOCUMENT_CHANGED,
    });
  }
}

/** Removes the locks of documents being purged, in the purge's transaction. */
export async function removeWopiLocks(tx: EntityManager, documentIds: string[]): Promise<void> {
  if (documentIds.length) {
    await execute(tx, `DELETE FROM session.wopi_locks WHERE document_id = ANY($1::uuid[])`, [documentIds]);
  }
}
