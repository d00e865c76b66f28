import type { PurgeTrigger } from '@docsession/contracts';
import type { PendingOpens } from '@docsession/pending-opens';
import type { BlobStore } from '@docsession/storage';
import { Logger } from '@nestjs/common';
import { PurgeLock } from './purge-lock';
import { noPurgeCounts, type PurgeCounts, type PurgeRuns } from './purge-runs';
import type { PurgeStore } from './purge-store';
import { versionOfKey } from './document-versions';
import { deliveryOfCopyKey } from './save-deliveries';
import type { EndOutcome } from './session-store';
import type { SessionService } from './session.service';

export interface PurgeSettings {
  databaseUrl: string;
  /** A blob with no document row is removed only once older than this (an open not stored yet is younger). */
  orphanBlobGraceSeconds: number;
  auditRetentionDays: number;
  /** Rows per transaction. */
  batchSize: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The safety net behind the expiry jobs, run from PostgreSQL's state (the source of truth)
 * so that it finds whatever Redis lost or a crash left behind:
 *   1. expires open sessions past their `expires_at`, removing content whose last session that was;
 *   2. removes the content of live documents with no open session;
 *   3. deletes blob files of no live document — at once when the document was purged (a crash
 *      between commit and unlink), after a grace when there is no document (a crash mid-upload) —
 *      and leftover temporary files; a save callback's copy (`cb-<delivery id>`) stays while its
 *      delivery is pending, goes at once once it ended, and after the grace when it has no row; a
 *      saved version's blob goes once no version row holds it (see orphanVersionBlobs);
 *   4. deletes audit events older than the retention.
 * Side effects after each commit (unlink, lifecycle events) are SessionService's, as for one session.
 */
export class SessionPurge {
  private readonly logger = new Logger(SessionPurge.name);

  constructor(
    private readonly store: PurgeStore,
    private readonly runs: PurgeRuns,
    private readonly sessions: SessionService,
    private readonly blobs: BlobStore,
    private readonly pending: PendingOpens,
    private readonly settings: PurgeSettings,
  ) {}

  /**
   * Performs run `runId`. A scheduled run that finds another run going is skipped (null);
   * a manual one waits for it. The outcome, or the error, is recorded either way it ends.
   */
  async run(runId: string, trigger: PurgeTrigger): Promise<PurgeCounts | null> {
    const lock = await PurgeLock.acquire(this.settings.databaseUrl, trigger === 'manual');
    if (!lock) {
      this.logger.log(`Purge ${runId} (${trigger}) skipped: another run is in progress`);
      return null;
    }
    const started = Date.now();
    const counts = noPurgeCounts();
    try {
      await this.runs.started(runId, trigger);
      const interrupted = await this.runs.markInterrupted(runId);
      if (interrupted) this.logger.warn(`Purge ${runId}: marked ${interrupted} earlier run(s) as interrupted`);
      this.logger.log(`Purge ${runId} (${trigger}) started`);
      try {
        await this.phase(runId, counts, () => this.expireOverdue(runId, counts));
        await this.phase(runId, counts, () => this.purgeUnused(runId, counts));
        await this.phase(runId, counts, () => this.removeOrphanBlobs(runId, counts));
        await this.phase(runId, counts, () => this.trimAuditTrail(runId, counts));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error(`Purge ${runId} failed after ${Date.now() - started} ms: ${message}`);
        await this.runs.finished(runId, counts, message.slice(0, 1000));
        throw err;
      }
      await this.runs.finished(runId, counts, null);
      this.logger.log(`Purge ${runId} finished in ${Date.now() - started} ms: ${JSON.stringify(counts)}`);
      return counts;
    } finally {
      await lock.release();
    }
  }

  private async phase(runId: string, counts: PurgeCounts, work: () => Promise<void>): Promise<void> {
    await work();
    await this.runs.progress(runId, counts);
  }

  private async expireOverdue(runId: string, counts: PurgeCounts): Promise<void> {
    const before = { ...counts };
    for (;;) {
      const { selected, outcomes } = await this.store.expireOverdue(this.settings.batchSize);
      await this.afterCommit(outcomes, counts);
      counts.expiredSessions += outcomes.reduce((n, o) => n + o.ended.length, 0);
      if (selected < this.settings.batchSize) break;
    }
    this.logger.log(
      `Purge ${runId}: expired ${counts.expiredSessions - before.expiredSessions} overdue sessions ` +
        `(content of ${counts.purgedDocuments - before.purgedDocuments} documents removed)`,
    );
  }

  private async purgeUnused(runId: string, counts: PurgeCounts): Promise<void> {
    let removed = 0;
    for (;;) {
      const { selected, outcomes } = await this.store.purgeUnused(this.settings.batchSize);
      await this.afterCommit(outcomes, counts);
      removed += outcomes.length;
      if (selected < this.settings.batchSize) break;
    }
    this.logger.log(`Purge ${runId}: removed the content of ${removed} live documents with no open session`);
  }

  private async afterCommit(outcomes: EndOutcome[], counts: PurgeCounts): Promise<void> {
    await Promise.all(outcomes.map((o) => this.sessions.afterEnd(o)));
    counts.purgedDocuments += outcomes.filter((o) => o.purged).length;
  }

  private async removeOrphanBlobs(runId: string, counts: PurgeCounts): Promise<void> {
    const graceEnd = Date.now() - this.settings.orphanBlobGraceSeconds * 1000;
    let listed = 0;
    let temporary = 0;
    let ofPurged = 0;
    let withoutDocument = 0;
    let ofEndedDeliveries = 0;
    let ofVersions = 0;
    let chunk: { key: string; modifiedAt: Date }[] = [];
    const sweep = async () => {
      const statuses = await this.store.documentStatuses(chunk.map((b) => b.key).filter((k) => UUID.test(k)));
      const deliveries = await this.store.saveDeliveryStates(
        chunk.map((b) => deliveryOfCopyKey(b.key)).filter((id): id is string => id !== null),
      );
      const orphanVersions = await this.store.orphanVersionBlobs(chunk.map((b) => b.key));
      for (const blob of chunk) {
        if (versionOfKey(blob.key)) {
          if (orphanVersions.has(blob.key) && (await this.blobs.delete(blob.key))) ofVersions++;
          continue;
        }
        const status = statuses.get(blob.key);
        if (status === 'live') continue;
        const delivery = deliveries.get(deliveryOfCopyKey(blob.key) ?? '');
        if (delivery === 'pending') continue; // a save still being delivered: its bytes stay
        if (delivery === 'finished') {
          if (await this.blobs.delete(blob.key)) ofEndedDeliveries++;
          continue;
        }
        if (status === 'purged') {
          if (await this.blobs.delete(blob.key)) ofPurged++;
        } else if (blob.modifiedAt.getTime() < graceEnd && !(await this.awaitedOpen(blob.key))) {
          if (await this.blobs.delete(blob.key)) withoutDocument++;
        }
      }
      chunk = [];
    };
    for await (const blob of this.blobs.list()) {
      listed++;
      if (blob.temporary) {
        if (blob.modifiedAt.getTime() < graceEnd && (await this.blobs.deleteTemporary(blob.key))) temporary++;
        continue;
      }
      chunk.push(blob);
      if (chunk.length >= this.settings.batchSize) await sweep();
    }
    if (chunk.length) await sweep();
    counts.orphanBlobs += ofPurged + withoutDocument + temporary + ofEndedDeliveries + ofVersions;
    this.logger.log(
      `Purge ${runId}: listed ${listed} blob files; removed ${ofPurged} of purged documents, ` +
        `${withoutDocument} with no document, ${temporary} temporary, ${ofEndedDeliveries} of ended save callbacks, ` +
        `${ofVersions} versions no row holds`,
    );
  }

  /**
   * Whether the gateway recorded an open of this document that the session service has
   * not stored yet (its consumer is behind): its blob is not an orphan. In doubt (Redis
   * unreachable) the blob stays, for the next run.
   */
  private async awaitedOpen(documentId: string): Promise<boolean> {
    if (!UUID.test(documentId)) return false;
    try {
      return (await this.pending.byDocument(documentId)) !== null;
    } catch {
      return true;
    }
  }

  private async trimAuditTrail(runId: string, counts: PurgeCounts): Promise<void> {
    let removed = 0;
    for (;;) {
      const n = await this.store.deleteAuditOlderThan(this.settings.auditRetentionDays, this.settings.batchSize * 10);
      removed += n;
      if (n < this.settings.batchSize * 10) break;
    }
    counts.auditEvents += removed;
    this.logger.log(
      `Purge ${runId}: deleted ${removed} audit events older than ${this.settings.auditRetentionDays} days`,
    );
  }
}
