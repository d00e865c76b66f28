import { callbackSchema, type SaveCallback, type SessionUser } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

/** A delivery's state: pending until delivered, given up (failed), or superseded by a newer save. */
const deliveryStatusSchema = z.enum(['pending', 'delivered', 'failed', 'superseded']);

/** Everything one attempt of a save callback needs, read from the session context. */
export interface SaveDelivery {
  deliveryId: string;
  tenantId: string;
  documentId: string;
  sessionId: string;
  externalId: string | null;
  /** The document's name and content type: the `content` part's filename and type. */
  name: string;
  contentType: string;
  /** The document's metadata from the open, echoed in the callback. */
  metadata: Record<string, unknown> | null;
  /** The user of the session that saved. */
  user: SessionUser | null;
  version: number;
  savedAt: string;
  /** When the document's content was removed (its last session ended); null while it is live. */
  documentPurgedAt: string | null;
  /** Null when the stored callback no longer reads as one (the delivery can only give up). */
  callback: SaveCallback | null;
  /** Attempts recorded so far, and how many there may be in all (`retries` + 1). */
  attempts: number;
  maxAttempts: number;
  status: z.infer<typeof deliveryStatusSchema>;
}

/** What one attempt came to. `final` failures end the delivery (given up). */
export type AttemptOutcome =
  { delivered: true; httpStatus: number } | { delivered: false; final: boolean; httpStatus?: number; error?: string };

const deliveryRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  document_id: z.string(),
  session_id: z.string(),
  version: z.number(),
  saved_at: z.date(),
  max_attempts: z.number(),
  attempts: z.number(),
  status: deliveryStatusSchema,
  name: z.string(),
  content_type: z.string(),
  external_id: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  purged_at: z.date().nullable(),
  user_id: z.string().nullable(),
  user_display_name: z.string().nullable(),
  // Read as a callback below, where one that no longer reads as one can only give up.
  callback: z.unknown(),
});
type DeliveryRow = z.infer<typeof deliveryRow>;

/**
 * The worker's SQL of save callbacks, in the session context that owns the table: reading a
 * delivery, recording each attempt (the row and the audit trail in one statement), and finding
 * pending deliveries for the recovery check and the purge.
 */
export class SaveDeliveryStore {
  constructor(private readonly db: DataSource) {}

  /** Null for an unknown id. */
  async load(deliveryId: string): Promise<SaveDelivery | null> {
    const rows = await queryRows(
      this.db,
      deliveryRow,
      `SELECT d.id, d.tenant_id, d.document_id, d.session_id, d.version, d.saved_at, d.max_attempts, d.attempts,
              d.status, doc.name, doc.content_type, doc.external_id, doc.metadata, doc.purged_at,
              s.user_id, s.user_display_name, s.callback
       FROM session.save_deliveries d
       JOIN session.documents doc ON doc.id = d.document_id
       JOIN session.sessions s ON s.id = d.session_id
       WHERE d.id = $1`,
      [deliveryId],
    );
    const row = rows[0];
    if (!row) return null;
    const callback = callbackSchema.safeParse(row.callback);
    return {
      deliveryId: row.id,
      tenantId: row.tenant_id,
      documentId: row.document_id,
      sessionId: row.session_id,
      externalId: row.external_id,
      name: row.name,
      contentType: row.content_type,
      metadata: row.metadata,
      user: userOf(row),
      version: row.version,
      savedAt: row.saved_at.toISOString(),
      documentPurgedAt: row.purged_at?.toISOString() ?? null,
      callback: callback.success ? callback.data : null,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      status: row.status,
    };
  }

  /**
   * Counts one attempt and puts it in the audit trail (`callback.delivered`, or
   * `callback.failed` with `gave_up`), ending the delivery when it succeeded or was final.
   * Only a pending delivery changes; returns the attempt's number, or null when the delivery
   * had already ended (a duplicate run of its job).
   */
  async recordAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<number | null> {
    const ends = outcome.delivered || outcome.final;
    const details: Record<string, unknown> = outcome.delivered
      ? { delivery_id: deliveryId, http_status: outcome.httpStatus }
      : {
          delivery_id: deliveryId,
          ...(outcome.httpStatus !== undefined ? { http_status: outcome.httpStatus } : {}),
          ...(outcome.error !== undefined ? { error: outcome.error.slice(0, 500) } : {}),
          gave_up: outcome.final,
        };
    const rows = await queryRows(
      this.db,
      z.object({ attempt: z.number() }),
      `WITH attempt AS (
         UPDATE session.save_deliveries
         SET attempts = attempts + 1,
             status = CASE WHEN $3 THEN $2 ELSE status END,
             finished_at = CASE WHEN $3 THEN now() END
         WHERE id = $1 AND status = 'pending'
         RETURNING document_id, session_id, version, attempts, max_attempts
       )
       INSERT INTO session.audit_events (document_id, session_id, type, at, details)
       SELECT document_id, session_id, $4, now(),
              $5::jsonb || jsonb_build_object('version', version, 'attempt', attempts, 'max_attempts', max_attempts)
       FROM attempt
       RETURNING (details->>'attempt')::int AS attempt`,
      [
        deliveryId,
        outcome.delivered ? 'delivered' : 'failed',
        ends,
        outcome.delivered ? 'callback.delivered' : 'callback.failed',
        JSON.stringify(details),
      ],
    );
    return rows[0]?.attempt ?? null;
  }

  /**
   * Pending deliveries created more than `olderThanSeconds` ago, `limit` at a time after
   * `after` (keyset order), with how many attempts each has left.
   */
  async pendingOlderThan(
    olderThanSeconds: number,
    limit: number,
    after: { createdAt: Date; id: string } | null,
  ): Promise<{ deliveryId: string; attemptsLeft: number; createdAt: Date }[]> {
    const rows = await queryRows(
      this.db,
      z.object({ id: z.string(), left: z.number(), created_at: z.date() }),
      `SELECT id, max_attempts - attempts AS left, created_at FROM session.save_deliveries
       WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1)
         AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
       ORDER BY created_at, id LIMIT $2`,
      [olderThanSeconds, limit, after?.createdAt ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ deliveryId: r.id, attemptsLeft: r.left, createdAt: r.created_at }));
  }
}

/**
 * For the purge: which of these deliveries are still pending (their copies must stay) and
 * which have ended (their copies go). An id with no row is in neither.
 */
export async function saveDeliveryStates(
  db: Pick<DataSource, 'query'>,
  deliveryIds: string[],
): Promise<Map<string, 'pending' | 'finished'>> {
  if (!deliveryIds.length) return new Map();
  const rows = await queryRows(
    db,
    z.object({ id: z.string(), status: z.string() }),
    `SELECT id, status FROM session.save_deliveries WHERE id = ANY($1::uuid[])`,
    [deliveryIds],
  );
  return new Map(rows.map((r) => [r.id, r.status === 'pending' ? 'pending' : 'finished']));
}

function userOf(row: Pick<DeliveryRow, 'user_id' | 'user_display_name'>): SessionUser | null {
  if (row.user_id === null && row.user_display_name === null) return null;
  const user: SessionUser = {};
  if (row.user_id !== null) user.id = row.user_id;
  if (row.user_display_name !== null) user.display_name = row.user_display_name;
  return user;
}
