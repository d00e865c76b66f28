import { documentStatusSchema, type DocumentStatus } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { expireSessionsIn, purgeUnusedOf } from './bulk-expiry';
import { orphanVersionBlobs } from './document-versions';
import { idRow } from './rows';
import { saveDeliveryStates } from './save-delivery-store';
import type { EndOutcome } from './session-store';

const OPEN = `('inactive', 'active')`;

/**
 * The purge's SQL: the same transitions as SessionStore (a session ends only while open; a
 * document's content goes only once none of its sessions is open, under the document's
 * lock), done many rows per transaction, for the safety net that catches what the expiry
 * jobs missed. Documents are locked in id order, so two batches never deadlock.
 */
export class PurgeStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Expires up to `limit` open sessions whose `expires_at` has passed, and removes (marks)
   * the content of each document that no longer has an open session. One transaction.
   * `selected` is how many were overdue when looked at (a full batch: look again).
   */
  async expireOverdue(limit: number): Promise<{ selected: number; outcomes: EndOutcome[] }> {
    return this.db.transaction(async (tx) => {
      const due = await queryRows(
        tx,
        idRow,
        `SELECT id FROM session.sessions
         WHERE status IN ${OPEN} AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
        [limit],
      );
      const outcomes = await expireSessionsIn(
        tx,
        due.map((s) => s.id),
        true,
      );
      return { selected: due.length, outcomes };
    });
  }

  /**
   * Marks purged up to `limit` live documents that have no open session (their last session
   * ended, but the content was not removed). Documents locked by someone else are left for
   * the next run rather than waited for.
   */
  async purgeUnused(limit: number): Promise<{ selected: number; outcomes: EndOutcome[] }> {
    return this.db.transaction(async (tx) => {
      const candidates = await queryRows(
        tx,
        idRow,
        `SELECT d.id FROM session.documents d
         WHERE d.status = 'live' AND NOT EXISTS (
           SELECT 1 FROM session.sessions s WHERE s.document_id = d.id AND s.status IN ${OPEN})
         ORDER BY d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
        [limit],
      );
      if (!candidates.length) return { selected: 0, outcomes: [] };
      const purged = await purgeUnusedOf(
        tx,
        candidates.map((d) => d.id),
      );
      const outcomes = [...purged.entries()].map(([documentId, { tenantId, versionBlobs }]) => ({
        tenantId,
        documentId,
        ended: [],
        purged: true,
        versionBlobs,
      }));
      return { selected: candidates.length, outcomes };
    });
  }

  /** The status of each of these documents that exists. */
  async documentStatuses(documentIds: string[]): Promise<Map<string, DocumentStatus>> {
    if (!documentIds.length) return new Map();
    const rows = await queryRows(
      this.db,
      z.object({ id: z.string(), status: documentStatusSchema }),
      `SELECT id, status FROM session.documents WHERE id = ANY($1::uuid[])`,
      [documentIds],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** Which of these save callbacks are still pending (their byte copies stay) or ended. */
  async saveDeliveryStates(deliveryIds: string[]): Promise<Map<string, 'pending' | 'finished'>> {
    return saveDeliveryStates(this.db, deliveryIds);
  }

  /** Which of these blobs are versions no row holds (see orphanVersionBlobs); other keys are ignored. */
  async orphanVersionBlobs(keys: string[]): Promise<Set<string>> {
    return orphanVersionBlobs(this.db, keys);
  }

  /** Deletes up to `limit` audit events older than `retentionDays`; how many it deleted. */
  async deleteAuditOlderThan(retentionDays: number, limit: number): Promise<number> {
    const [row] = await queryRows(
      this.db,
      z.object({ n: z.number() }),
      `WITH gone AS (
         DELETE FROM session.audit_events WHERE id IN (
           SELECT id FROM session.audit_events WHERE at < now() - make_interval(days => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [retentionDays, limit],
    );
    return row?.n ?? 0;
  }
}
