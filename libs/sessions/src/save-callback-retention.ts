import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { idRow } from './rows';

/**
 * How long what save callbacks keep may live, in the session context that owns it:
 * - a pending delivery outlives its document's content by at most CALLBACK_MAX_AGE_SECONDS;
 *   then it is given up (`callback.failed` with `gave_up` in the audit trail) and its copy of
 *   the saved bytes can go;
 * - a session's callback headers (a partner's secrets, often) are kept only while something
 *   may still need them: once the session has ended and no delivery of it is pending, they go
 *   from its row (`save_url`, `retries` and `timeout_ms` stay, as the record of the open).
 * The callback workers run both every CALLBACK_RECOVERY_SECONDS; an attempt also checks the
 * age itself, so no POST leaves after the limit.
 */
export class SaveCallbackRetention {
  constructor(private readonly db: DataSource) {}

  /** Gives up the pending deliveries of documents purged more than `maxAgeSeconds` ago; answers their ids. */
  async giveUpOutlived(maxAgeSeconds: number): Promise<string[]> {
    const rows = await queryRows(
      this.db,
      idRow,
      `WITH outlived AS (
         UPDATE session.save_deliveries d SET status = 'failed', finished_at = now()
         FROM session.documents doc
         WHERE d.status = 'pending' AND doc.id = d.document_id
           AND doc.purged_at < now() - make_interval(secs => $1)
         RETURNING d.id, d.document_id, d.session_id, d.version, d.attempts, d.max_attempts
       )
       INSERT INTO session.audit_events (document_id, session_id, type, at, details)
       SELECT document_id, session_id, 'callback.failed', now(),
              jsonb_build_object('delivery_id', id, 'version', version, 'attempt', attempts,
                                 'max_attempts', max_attempts, 'gave_up', true,
                                 'error', 'Not delivered within ' || $1 || ' s of the document''s end.')
       FROM outlived
       RETURNING details->>'delivery_id' AS id`,
      [maxAgeSeconds],
    );
    return rows.map((r) => r.id);
  }

  /** Removes the callback headers of ended sessions with no pending delivery; answers how many. */
  async forgetUnneededHeaders(): Promise<number> {
    const rows = await queryRows(
      this.db,
      idRow,
      `UPDATE session.sessions s SET callback = s.callback - 'headers'
       WHERE s.callback ? 'headers' AND s.status IN ('closed', 'expired')
         AND NOT EXISTS (
           SELECT 1 FROM session.save_deliveries d WHERE d.session_id = s.id AND d.status = 'pending'
         )
       RETURNING s.id`,
    );
    return rows.length;
  }
}
