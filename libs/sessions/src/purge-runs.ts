import { purgeTriggerSchema, type PurgeRunRecord, type PurgeTrigger } from '@docsession/contracts';
import { execute, queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { idRow } from './rows';

/** What one purge run removed. */
export interface PurgeCounts {
  expiredSessions: number;
  purgedDocuments: number;
  orphanBlobs: number;
  auditEvents: number;
}

export const noPurgeCounts = (): PurgeCounts => ({
  expiredSessions: 0,
  purgedDocuments: 0,
  orphanBlobs: 0,
  auditEvents: 0,
});

const purgeRunRow = z.object({
  id: z.string(),
  trigger: purgeTriggerSchema,
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  expired_sessions: z.number(),
  purged_documents: z.number(),
  orphan_blobs_removed: z.number(),
  audit_events_removed: z.number(),
  error: z.string().nullable(),
});

/** The record of purge runs (`session.purge_runs`): queued, started, progressing, finished. */
export class PurgeRuns {
  constructor(private readonly db: DataSource) {}

  /** A manual run was asked for; it starts when a worker takes it and no other run is going. */
  async queued(runId: string): Promise<void> {
    await execute(
      this.db,
      `INSERT INTO session.purge_runs (id, trigger) VALUES ($1, 'manual') ON CONFLICT (id) DO NOTHING`,
      [runId],
    );
  }

  /** The run starts (again, if a crashed worker's job is being retried: its counts restart). */
  async started(runId: string, trigger: PurgeTrigger): Promise<void> {
    await execute(
      this.db,
      `INSERT INTO session.purge_runs (id, trigger, started_at) VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET started_at = now(), finished_at = NULL, error = NULL,
         expired_sessions = 0, purged_documents = 0, orphan_blobs_removed = 0, audit_events_removed = 0`,
      [runId, trigger],
    );
  }

  /**
   * Runs that started and never finished, other than `runId`: their worker died. Only
   * called by the holder of the purge lock, so none of them can still be going.
   */
  async markInterrupted(runId: string): Promise<number> {
    const rows = await queryRows(
      this.db,
      idRow,
      `UPDATE session.purge_runs SET finished_at = now(), error = 'interrupted: its worker stopped before it finished'
       WHERE started_at IS NOT NULL AND finished_at IS NULL AND id <> $1 RETURNING id`,
      [runId],
    );
    return rows.length;
  }

  /** Counts so far, so that a long run shows its progress. */
  async progress(runId: string, counts: PurgeCounts): Promise<void> {
    await this.write(runId, counts, false, null);
  }

  async finished(runId: string, counts: PurgeCounts, error: string | null): Promise<void> {
    await this.write(runId, counts, true, error);
  }

  /** Newest first. */
  async list(limit: number): Promise<PurgeRunRecord[]> {
    const rows = await queryRows(
      this.db,
      purgeRunRow,
      `SELECT id, trigger, started_at, finished_at, expired_sessions, purged_documents, orphan_blobs_removed,
              audit_events_removed, error
       FROM session.purge_runs ORDER BY queued_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      runId: r.id,
      trigger: r.trigger,
      startedAt: r.started_at?.toISOString() ?? null,
      finishedAt: r.finished_at?.toISOString() ?? null,
      removed: {
        expiredSessions: r.expired_sessions,
        purgedDocuments: r.purged_documents,
        orphanBlobs: r.orphan_blobs_removed,
        auditEvents: r.audit_events_removed,
      },
      error: r.error,
    }));
  }

  private async write(runId: string, c: PurgeCounts, finished: boolean, error: string | null): Promise<void> {
    await execute(
      this.db,
      `UPDATE session.purge_runs SET expired_sessions = $2, purged_documents = $3, orphan_blobs_removed = $4,
         audit_events_removed = $5, finished_at = CASE WHEN $6 THEN now() ELSE finished_at END, error = $7
       WHERE id = $1`,
      [runId, c.expiredSessions, c.purgedDocuments, c.orphanBlobs, c.auditEvents, finished, error],
    );
  }
}
