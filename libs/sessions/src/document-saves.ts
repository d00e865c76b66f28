import {
  DomainError,
  ErrorCode,
  type PageSaveRequest,
  type PageSaveResult,
  type SessionMode,
} from '@docsession/contracts';
import { execute, queryRows } from '@docsession/platform';
import type { BlobStore } from '@docsession/storage';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { isOpen, sessionRowSchema, sessionStatusRow, type SessionRow } from './rows';
import type { DocumentVersions } from './document-versions';
import type { PreparedDelivery, SaveDeliveries } from './save-deliveries';
import { assertWopiSave } from './wopi-store';

const gone = (message: string) => new DomainError(ErrorCode.Gone, message);

/**
 * Saves, not billable: from the session page (`PUT /s/{token}/content`) and from an editor
 * (WOPI PutFile, which adds its lock and timestamp preconditions, checked under the same lock).
 *
 * Concurrency scheme: the gateway first streams the new bytes into a blob of their own
 * (`save-<uuid>`), outside any lock. Then one transaction here locks the document row, checks
 * that the session is still open, in edit mode, and the document still live, bumps the version,
 * records size, hash and the audit entry, and — last, still holding the lock — renames the
 * staged blob onto the document's key (an atomic replace). Two co-editors saving at once are
 * thereby serialised: versions count up one by one with none lost, and the blob always holds
 * the bytes of the highest committed version. Ending a session takes the same lock before it
 * purges, so a save can never bring back the content of a purged document.
 *
 * The rename happens before COMMIT: if the commit itself then failed, the file would hold bytes
 * one save ahead of the row (sha256/version); the reverse order could put older bytes over a
 * newer version or revive purged content, which is worse. Anything that fails before the rename
 * changes nothing, and the gateway removes the staged blob.
 *
 * Versions: the content a save replaces is kept as a version (DocumentVersions), in the same
 * transaction and under the same lock, just before the rename.
 *
 * Save callbacks: a session with `callback.save_url` gets a delivery per save. Its copy of the
 * bytes is taken before the transaction, its row written inside it, its job added after COMMIT
 * (see SaveDeliveries for why, and for how long the copy lives).
 */
export class DocumentSaves {
  constructor(
    private readonly db: DataSource,
    private readonly blobs: BlobStore,
    private readonly deliveries: SaveDeliveries,
    private readonly versions: DocumentVersions,
  ) {}

  async save(request: PageSaveRequest): Promise<PageSaveResult> {
    const delivery = await this.deliveries.prepare(request.tokenHash, request.stagedKey);
    let committed: { saved: PageSaveResult; droppedVersions: string[]; superseded: string[] };
    try {
      committed = await this.commit(request, delivery);
    } catch (err) {
      if (delivery) await this.deliveries.discard(delivery);
      throw err;
    }
    await this.versions.deleteBlobs(committed.droppedVersions);
    await this.deliveries.removeCopies(committed.superseded);
    if (delivery) await this.deliveries.schedule(delivery);
    return committed.saved;
  }

  private async commit(
    request: PageSaveRequest,
    delivery: PreparedDelivery | null,
  ): Promise<{ saved: PageSaveResult; droppedVersions: string[]; superseded: string[] }> {
    const { tokenHash, stagedKey, sizeBytes, sha256, via, wopi } = request;
    return this.db.transaction(async (tx) => {
      const sessions = await queryRows(
        tx,
        savingSessionRow,
        `SELECT id, document_id, mode, user_id, user_display_name FROM session.sessions WHERE token_hash = $1`,
        [tokenHash],
      );
      const session = sessions[0];
      if (!session || (wopi && wopi.documentId !== session.document_id)) {
        throw new DomainError(ErrorCode.NotFound, 'No such session.');
      }
      const docs = await queryRows(
        tx,
        savedDocumentRow,
        `SELECT status, version, size_bytes, sha256, coalesce(modified_at, created_at) AS modified_at,
           coalesce(saved_by_session_id, host_session_id) AS saved_by
         FROM session.documents WHERE id = $1 FOR UPDATE`,
        [session.document_id],
      );
      // Read after the lock: sessions end only under it, so this status holds until commit.
      const current = await queryRows(tx, sessionStatusRow, `SELECT status FROM session.sessions WHERE id = $1`, [
        session.id,
      ]);
      if (!current[0] || !isOpen(current[0].status)) throw gone('This session has ended.');
      assertEditable(session.mode);
      const doc = docs[0];
      if (doc?.status !== 'live') throw gone('The document content was removed.');
      if (wopi) await assertWopiSave(tx, { sizeBytes: Number(doc.size_bytes), modifiedAt: doc.modified_at }, wopi);
      const droppedVersions = await this.versions.keepPrevious(tx, {
        documentId: session.document_id,
        version: doc.version,
        sizeBytes: Number(doc.size_bytes),
        sha256: doc.sha256,
        savedAt: doc.modified_at,
        sessionId: doc.saved_by,
      });

      // modified_at is LastModifiedTime for editors, which hand it back to detect conflicts: in
      // milliseconds (what an ISO string holds) and strictly growing, even for two saves in one ms.
      const saved = await queryRows(
        tx,
        z.object({ version: z.number(), saved_at: z.date() }),
        `UPDATE session.documents SET version = version + 1, size_bytes = $2, sha256 = $3, saved_by_session_id = $4,
           modified_at = greatest(date_trunc('milliseconds', now()),
                                  coalesce(modified_at, created_at) + interval '1 millisecond')
         WHERE id = $1 RETURNING version, modified_at AS saved_at`,
        [session.document_id, sizeBytes, sha256, session.id],
      );
      const { version, saved_at: savedAt } = saved[0]!;
      // The audit entry, and a save is a sign of life. A page's save also cancels a close request;
      // an editor's does not (it saves on exit, after the tab closed: see WopiStore).
      await execute(
        tx,
        `WITH seen AS (
           UPDATE session.sessions SET last_seen_at = now(),
             closing_requested_at = CASE WHEN $4 THEN NULL ELSE closing_requested_at END
           WHERE id = $2
         )
         INSERT INTO session.audit_events (document_id, session_id, type, at, details)
         VALUES ($1, $2, 'document.saved', now(), $3)`,
        [
          session.document_id,
          session.id,
          {
            version,
            size_bytes: sizeBytes,
            sha256,
            user: userOf(session),
            via,
            ...(wopi?.exitSave && { exit_save: true }),
            ...(wopi?.editors.length && { editors: wopi.editors }),
          },
          via === 'page',
        ],
      );
      const superseded = delivery
        ? await this.deliveries.record(tx, delivery, { documentId: session.document_id, version, savedAt })
        : [];
      await this.blobs.move(stagedKey, session.document_id);
      return { saved: { version, savedAt: savedAt.toISOString() }, droppedVersions, superseded };
    });
  }
}

/** The saving session: who saves, and whether it may. */
const savingSessionRow = sessionRowSchema.pick({
  id: true,
  document_id: true,
  mode: true,
  user_id: true,
  user_display_name: true,
});

/** The document as a save finds it under its lock: what the version it replaces keeps. */
const savedDocumentRow = z.object({
  status: z.string(),
  version: z.number(),
  size_bytes: z.string(),
  sha256: z.string(),
  modified_at: z.date(),
  saved_by: z.string(),
});

function assertEditable(mode: SessionMode): void {
  if (mode !== 'edit') throw new DomainError(ErrorCode.Forbidden, 'This session is view only: it cannot save.');
}

function userOf(s: Pick<SessionRow, 'user_id' | 'user_display_name'>) {
  if (s.user_id === null && s.user_display_name === null) return null;
  return { id: s.user_id ?? undefined, display_name: s.user_display_name ?? undefined };
}
