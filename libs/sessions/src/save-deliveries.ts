import { callbackSchema, DEFAULT_CALLBACK_RETRIES } from '@docsession/contracts';
import { execute, queryRows } from '@docsession/platform';
import type { BlobStore } from '@docsession/storage';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { SaveCallbackQueue } from './save-callback-queue';

const COPY_PREFIX = 'cb-';
const COPY_KEY = /^cb-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The blob that keeps a delivery's bytes: its own key, apart from the document's. */
export const callbackCopyKey = (deliveryId: string) => `${COPY_PREFIX}${deliveryId}`;

/** The delivery a blob key is the copy of, or null when it is not a callback copy. */
export function deliveryOfCopyKey(key: string): string | null {
  return COPY_KEY.exec(key)?.[1] ?? null;
}

/** A save's delivery being prepared: its bytes are copied, its row not yet committed. */
export interface PreparedDelivery {
  deliveryId: string;
  copyKey: string;
  sessionId: string;
  tenantId: string;
  maxAttempts: number;
}

/**
 * The save's side of save callbacks (API.md "Save callback"): a save of a session opened with
 * `callback.save_url` records a delivery for the worker, with the saved bytes kept for it.
 *
 * Copy lifetime. The document's blob cannot serve a pending delivery: the next save replaces
 * it and the end of the last session deletes it. So every delivery gets a copy of its bytes
 * under a key of its own (`cb-<delivery id>`), taken from the staged blob *before* the save's
 * transaction: a copy of a big document is slow, and made inside the transaction it would hold
 * the document's lock — which every session end of the document waits for — all that time.
 * The row that makes the copy pending is written inside the transaction, so the copy is either
 * committed with its save or removed (discard) when the save fails; a crash in between leaves
 * a copy with no row, which the purge removes after its orphan grace. A streamed copy rather
 * than a hard link keeps to the BlobStore contract (a bucket copies server-side the same way).
 * From commit on, the copy lives until the delivery succeeds or gives up, then goes at once
 * (the worker deletes it; the purge removes any copy of a finished delivery left by a crash).
 */
export class SaveDeliveries {
  private readonly logger = new Logger(SaveDeliveries.name);

  constructor(
    private readonly db: DataSource,
    private readonly blobs: BlobStore,
    private readonly queue: SaveCallbackQueue,
    /** CALLBACK_MAX_PENDING: pending deliveries (so copies) a document may have. */
    private readonly maxPending: number,
  ) {}

  /**
   * Before the save's transaction: when the saving session has a callback, copies the staged
   * bytes for its delivery. Null when there is nothing to deliver (or nothing to save: the
   * transaction then refuses the save, as without a callback). A session's callback never
   * changes, so reading it outside the lock is safe.
   */
  async prepare(tokenHash: string, stagedKey: string): Promise<PreparedDelivery | null> {
    const rows = await queryRows(
      this.db,
      // The callback is read as one below: a session whose callback no longer reads as one delivers nothing.
      z.object({ id: z.string(), tenant_id: z.string(), callback: z.unknown() }),
      `SELECT id, tenant_id, callback FROM session.sessions
       WHERE token_hash = $1 AND callback IS NOT NULL AND mode = 'edit' AND status IN ('inactive', 'active')`,
      [tokenHash],
    );
    const session = rows[0];
    if (!session) return null;
    const callback = callbackSchema.safeParse(session.callback);
    if (!callback.success) {
      this.logger.warn(`Session ${session.id} has an unreadable callback; its saves are not delivered`);
      return null;
    }
    const staged = await this.blobs.read(stagedKey);
    if (!staged) return null;
    const deliveryId = randomUUID();
    const copyKey = callbackCopyKey(deliveryId);
    // The staged blob passed MAX_UPLOAD_BYTES already; its copy needs no limit of its own.
    await this.blobs.write(copyKey, staged, Number.MAX_SAFE_INTEGER);
    return {
      deliveryId,
      copyKey,
      sessionId: session.id,
      tenantId: session.tenant_id,
      maxAttempts: (callback.data.retries ?? DEFAULT_CALLBACK_RETRIES) + 1,
    };
  }

  /**
   * Inside the save's transaction, once the version is known: the delivery becomes pending,
   * and the oldest pending deliveries of the document past CALLBACK_MAX_PENDING end as
   * superseded — a partner gets the newer content anyway — each with a `callback.failed`
   * audit event saying so. Answers the superseded deliveries, whose copies go after commit.
   * The save holds the document's lock, so two saves never count the same pending rows.
   */
  async record(
    tx: EntityManager,
    delivery: PreparedDelivery,
    save: { documentId: string; version: number; savedAt: Date },
  ): Promise<string[]> {
    await execute(
      tx,
      `INSERT INTO session.save_deliveries
         (id, tenant_id, document_id, session_id, version, saved_at, max_attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        delivery.deliveryId,
        delivery.tenantId,
        save.documentId,
        delivery.sessionId,
        save.version,
        save.savedAt,
        delivery.maxAttempts,
      ],
    );
    const superseded = await queryRows(
      tx,
      z.object({ id: z.string() }),
      `WITH superseded AS (
         UPDATE session.save_deliveries SET status = 'superseded', finished_at = now()
         WHERE id IN (
           SELECT id FROM session.save_deliveries
           WHERE document_id = $1 AND status = 'pending'
           ORDER BY version DESC, created_at DESC OFFSET $2
         )
         RETURNING id, document_id, session_id, version, attempts, max_attempts
       )
       INSERT INTO session.audit_events (document_id, session_id, type, at, details)
       SELECT document_id, session_id, 'callback.failed', now(),
              jsonb_build_object('delivery_id', id, 'version', version, 'attempt', attempts,
                                 'max_attempts', max_attempts, 'gave_up', true, 'superseded_by', $3::text,
                                 'error', 'Superseded by a newer save: at most ' || $2 || ' deliveries wait per document.')
       FROM superseded
       RETURNING details->>'delivery_id' AS id`,
      [save.documentId, this.maxPending, delivery.deliveryId],
    );
    return superseded.map((r) => r.id);
  }

  /** After commit: the copies of superseded deliveries go (a left-over one goes with the purge). */
  async removeCopies(deliveryIds: string[]): Promise<void> {
    await Promise.all(
      deliveryIds.map((id) =>
        this.blobs.remove(callbackCopyKey(id)).catch((err: Error) => {
          this.logger.warn(`Copy of superseded delivery ${id} not removed (the purge will): ${err.message}`);
        }),
      ),
    );
  }

  /** The save did not commit: its copy must not linger. */
  async discard(delivery: PreparedDelivery): Promise<void> {
    await this.blobs.remove(delivery.copyKey).catch((err: Error) => {
      this.logger.warn(`Copy ${delivery.copyKey} of a failed save not removed (the purge will): ${err.message}`);
    });
  }

  /**
   * After commit: the worker's job. Never fails the save, which has happened: if Redis is
   * away, the delivery stays pending in PostgreSQL and a worker's recovery check adds the job.
   */
  async schedule(delivery: PreparedDelivery): Promise<void> {
    try {
      await this.queue.add(delivery.deliveryId, delivery.maxAttempts);
    } catch (err) {
      this.logger.warn(
        `Save callback ${delivery.deliveryId} not scheduled yet (recovery will): ${(err as Error).message}`,
      );
    }
  }
}
