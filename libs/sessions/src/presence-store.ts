import { sessionStatusSchema, type SessionStatus } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

/** A session as its presence checks see it; `now` is PostgreSQL's clock, which all the times come from. */
export interface PresenceRow {
  status: SessionStatus;
  lastSeenAt: Date;
  closingRequestedAt: Date | null;
  now: Date;
}

/** What a page's request found: the session it names, or nothing. */
const tokenSessionRow = z.object({ id: z.string(), status: sessionStatusSchema });
export type TokenSession = z.infer<typeof tokenSessionRow>;

/**
 * SQL of page presence: signs of life (`last_seen_at`) and close requests
 * (`closing_requested_at`). Each request is one statement; ending a session is left to
 * SessionStore, under the document lock.
 */
export class PresenceStore {
  constructor(private readonly db: DataSource) {}

  /**
   * A heartbeat: records that the page is there and cancels a pending close request. One
   * round trip; a final session is reported as it is, unchanged.
   */
  async touchByToken(tokenHash: string): Promise<TokenSession | null> {
    const rows = await queryRows(
      this.db,
      tokenSessionRow,
      `WITH touched AS (
         UPDATE session.sessions SET last_seen_at = now(), closing_requested_at = NULL
         WHERE token_hash = $1 AND status IN ('inactive', 'active') RETURNING id, status
       )
       SELECT id, status FROM touched
       UNION ALL
       SELECT id, status FROM session.sessions WHERE token_hash = $1 AND NOT EXISTS (SELECT 1 FROM touched)`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** A close beacon: notes when it came. `requestedAt` is null when the session is final (or unknown: null). */
  async requestClose(tokenHash: string): Promise<(TokenSession & { requestedAt: Date | null }) | null> {
    const rows = await queryRows(
      this.db,
      tokenSessionRow.extend({ requested_at: z.date().nullable() }),
      `WITH requested AS (
         UPDATE session.sessions SET closing_requested_at = now()
         WHERE token_hash = $1 AND status IN ('inactive', 'active') RETURNING id, status, closing_requested_at
       )
       SELECT id, status, closing_requested_at AS requested_at FROM requested
       UNION ALL
       SELECT id, status, NULL::timestamptz FROM session.sessions WHERE token_hash = $1 AND NOT EXISTS (SELECT 1 FROM requested)`,
      [tokenHash],
    );
    const row = rows[0];
    return row ? { id: row.id, status: row.status, requestedAt: row.requested_at } : null;
  }

  async presence(sessionId: string): Promise<PresenceRow | null> {
    const rows = await queryRows(
      this.db,
      z.object({
        status: sessionStatusSchema,
        last_seen_at: z.date(),
        closing_requested_at: z.date().nullable(),
        now: z.date(),
      }),
      `SELECT status, coalesce(last_seen_at, opened_at, created_at) AS last_seen_at, closing_requested_at, now() AS now
         FROM session.sessions WHERE id = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      status: row.status,
      lastSeenAt: row.last_seen_at,
      closingRequestedAt: row.closing_requested_at,
      now: row.now,
    };
  }
}
