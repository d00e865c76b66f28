import type { VersionRecord } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import { BlobNotFoundError, type BlobStore } from '@docsession/storage';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { userOf } from './rows';

const VERSION_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-v([1-9][0-9]{0,9})$/;

/** The blob of a document's version `number`: beside the document's key, so it shards with it. */
export const versionKey = (documentId: string, number: number) => `${documentId}-v${number}`;

/** The version a blob key holds, or null when it is not a version's. */
export function versionOfKey(key: string): { documentId: string; number: number } | null {
  const match = VERSION_KEY.exec(key);
  return match ? { documentId: match[1]!, number: Number(match[2]) } : null;
}

/** The content a save is about to replace, as the document row holds it (read under its lock). */
export interface CurrentContent {
  documentId: string;
  version: number;
  sizeBytes: number;
  sha256: string;
  savedAt: Date;
  /** Who saved it: the host's session for the upload. */
  sessionId: string;
}

const versionRow = z.object({
  number: z.number(),
  size_bytes: z.string(), // bigint arrives as a string
  sha256: z.string(),
  saved_at: z.date(),
  session_id: z.string(),
  user_id: z.string().nullable(),
  user_display_name: z.string().nullable(),
});
const numberRow = z.object({ number: z.number() });

/**
 * Saved versions while a document is live ("session recording"): each save keeps the content
 * it replaces as version `n` (the document's version before the save), at most `kept` of them;
 * `kept` 0 keeps none.
 *
 * Keeping happens in the save's transaction, under the document's lock, before the new bytes
 * go in place: only there is the current content the one the row describes. The blob store's
 * copy is a hard link (local) or a server-side copy (S3), so the lock is not held for a byte
 * copy. The row is written in the same transaction; versions past the cap lose their row in it
 * too, and their blobs are deleted right after commit. A crash in between leaves blobs with no
 * row, which the purge removes (`orphanVersionBlobs`). When the document is purged, its rows go
 * in the purging transaction (`removeVersionsOf`) and their blobs with the document's own blob.
 */
export class DocumentVersions {
  private readonly logger = new Logger(DocumentVersions.name);

  constructor(
    private readonly db: DataSource,
    private readonly blobs: BlobStore,
    private readonly kept: number,
  ) {}

  /**
   * Inside the save's transaction, holding the document's lock: keeps `current` as a version and
   * drops the rows of those beyond the cap. Returns the blob keys to delete once it committed.
   */
  async keepPrevious(tx: EntityManager, current: CurrentContent): Promise<string[]> {
    if (this.kept === 0) return [];
    const { documentId, version } = current;
    try {
      await this.blobs.copy(documentId, versionKey(documentId, version));
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
      // A live document without its blob is already broken; its save still goes through.
      this.logger.warn(`Version ${version} of ${documentId} not kept: the document's blob is missing`);
      return [];
    }
    const dropped = await queryRows(
      tx,
      numberRow,
      `WITH kept AS (
         INSERT INTO session.document_versions (document_id, number, size_bytes, sha256, saved_at, session_id)
         VALUES ($1, $2, $3, $4, $5, $6)
       )
       DELETE FROM session.document_versions WHERE document_id = $1 AND number <= $2 - $7 RETURNING number`,
      [documentId, version, current.sizeBytes, current.sha256, current.savedAt, current.sessionId, this.kept],
    );
    return dropped.map((d) => versionKey(documentId, d.number));
  }

  /** After the save committed. A blob that stays (an error here) is an orphan for the purge. */
  async deleteBlobs(keys: string[]): Promise<void> {
    for (const result of await Promise.allSettled(keys.map((key) => this.blobs.remove(key)))) {
      if (result.status === 'rejected') this.logger.warn(`Version blob not deleted: ${result.reason}`);
    }
  }

  /** A document's versions, newest first, each with the user of the session that saved it. */
  async list(documentId: string): Promise<VersionRecord[]> {
    const rows = await queryRows(
      this.db,
      versionRow,
      `SELECT v.number, v.size_bytes, v.sha256, v.saved_at, v.session_id, s.user_id, s.user_display_name
       FROM session.document_versions v LEFT JOIN session.sessions s ON s.id = v.session_id
       WHERE v.document_id = $1 ORDER BY v.number DESC`,
      [documentId],
    );
    return rows.map((r) => ({
      number: r.number,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256,
      savedAt: r.saved_at.toISOString(),
      sessionId: r.session_id,
      user: userOf(r),
    }));
  }

  async find(documentId: string, number: number): Promise<{ sizeBytes: number } | null> {
    const rows = await queryRows(
      this.db,
      versionRow.pick({ size_bytes: true }),
      `SELECT size_bytes FROM session.document_versions WHERE document_id = $1 AND number = $2`,
      [documentId, number],
    );
    return rows[0] ? { sizeBytes: Number(rows[0].size_bytes) } : null;
  }
}

/**
 * In the transaction that purges these documents: their version rows go, and the keys of the
 * blobs to delete after commit come back, per document.
 */
export async function removeVersionsOf(tx: EntityManager, documentIds: string[]): Promise<Map<string, string[]>> {
  const removed = await queryRows(
    tx,
    numberRow.extend({ document_id: z.string() }),
    `DELETE FROM session.document_versions WHERE document_id = ANY($1::uuid[]) RETURNING document_id, number`,
    [documentIds],
  );
  const keys = new Map<string, string[]>();
  for (const r of removed) {
    const ofDocument = keys.get(r.document_id) ?? [];
    ofDocument.push(versionKey(r.document_id, r.number));
    keys.set(r.document_id, ofDocument);
  }
  return keys;
}

/**
 * For the purge: which of these version blobs no version row holds. A version of a document that
 * is not live (or not known) is an orphan at once. For a live one, only a number the document has
 * moved past: the save keeping version n links its blob before its row commits, while the
 * document's version is still n, so a blob that may be in flight is never taken for an orphan.
 * One statement reads the rows and the versions together.
 */
export async function orphanVersionBlobs(db: DataSource, keys: string[]): Promise<Set<string>> {
  const versions = keys.map((key) => ({ key, version: versionOfKey(key) })).filter((v) => v.version !== null);
  if (!versions.length) return new Set();
  const rows = await queryRows(
    db,
    z.object({ key: z.string() }),
    `SELECT t.key FROM unnest($1::text[], $2::uuid[], $3::int[]) AS t(key, document_id, number)
     LEFT JOIN session.documents d ON d.id = t.document_id
     WHERE d.id IS NULL OR d.status <> 'live' OR (t.number < d.version AND NOT EXISTS (
       SELECT 1 FROM session.document_versions v WHERE v.document_id = t.document_id AND v.number = t.number))`,
    [versions.map((v) => v.key), versions.map((v) => v.version!.documentId), versions.map((v) => v.version!.number)],
  );
  return new Set(rows.map((r) => r.key));
}
