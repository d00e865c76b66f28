import { execute, queryRows } from '@docsession/platform';
import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { ENDED_AT } from './rows';
import type { EndOutcome } from './session-store';
import { removeVersionsOf } from './document-versions';
import { removeWopiLocks } from './wopi-store';

const OPEN = `('inactive', 'active')`;

/**
 * Expires these sessions (those still open) inside `tx`, and marks purged each of their
 * documents left with no open session: SessionStore.endSession's transitions for many
 * sessions at once, under the same rule — the documents are locked first (in id order,
 * so two batches never deadlock), then a fresh statement decides. `overdueOnly` also
 * requires `expires_at` to have passed (the purge, which found them by looking).
 */
export async function expireSessionsIn(
  tx: EntityManager,
  sessionIds: string[],
  overdueOnly: boolean,
): Promise<EndOutcome[]> {
  if (!sessionIds.length) return [];
  // Only for the row locks: the rows are not read.
  await execute(
    tx,
    `SELECT d.id FROM session.documents d
     WHERE d.id IN (SELECT document_id FROM session.sessions WHERE id = ANY($1::uuid[]))
     ORDER BY d.id FOR UPDATE`,
    [sessionIds],
  );
  const expired = await queryRows(
    tx,
    z.object({ id: z.string(), document_id: z.string(), tenant_id: z.string(), ended_at: z.date() }),
    `UPDATE session.sessions SET status = 'expired', close_reason = 'expired', closed_at = now()
     WHERE id = ANY($1::uuid[]) AND status IN ${OPEN} AND ($2::boolean IS FALSE OR expires_at <= now())
     RETURNING id, document_id, tenant_id, ${ENDED_AT}`,
    [sessionIds, overdueOnly],
  );
  if (!expired.length) return [];
  await auditMany(
    tx,
    expired.map((s) => ({ documentId: s.document_id, sessionId: s.id })),
    'session.expired',
    {
      reason: 'expired',
    },
  );
  const purged = await purgeUnusedOf(tx, [...new Set(expired.map((s) => s.document_id))]);
  const outcomes = new Map<string, EndOutcome>();
  for (const s of expired) {
    let outcome = outcomes.get(s.document_id);
    if (!outcome) {
      outcome = {
        tenantId: s.tenant_id,
        documentId: s.document_id,
        ended: [],
        purged: purged.has(s.document_id),
        versionBlobs: purged.get(s.document_id)?.versionBlobs ?? [],
      };
      outcomes.set(s.document_id, outcome);
    }
    outcome.ended.push({ sessionId: s.id, status: 'expired', reason: 'expired', endedAt: s.ended_at });
  }
  return [...outcomes.values()];
}

/**
 * Of these (locked) documents, marks purged the live ones with no open session, removing their
 * WOPI locks and version rows: id → its tenant and the blobs of its versions.
 */
export async function purgeUnusedOf(
  tx: EntityManager,
  documentIds: string[],
): Promise<Map<string, { tenantId: string; versionBlobs: string[] }>> {
  const purged = await queryRows(
    tx,
    z.object({ id: z.string(), tenant_id: z.string() }),
    `UPDATE session.documents d SET status = 'purged', purged_at = now()
     WHERE d.id = ANY($1::uuid[]) AND d.status = 'live' AND NOT EXISTS (
       SELECT 1 FROM session.sessions s WHERE s.document_id = d.id AND s.status IN ${OPEN})
     RETURNING d.id, d.tenant_id`,
    [documentIds],
  );
  if (!purged.length) return new Map();
  const ids = purged.map((d) => d.id);
  await auditMany(
    tx,
    purged.map((d) => ({ documentId: d.id, sessionId: null })),
    'document.purged',
    {},
  );
  await removeWopiLocks(tx, ids);
  const versions = await removeVersionsOf(tx, ids);
  return new Map(purged.map((d) => [d.id, { tenantId: d.tenant_id, versionBlobs: versions.get(d.id) ?? [] }]));
}

/** Audit entries written the way SessionStore writes one, many per statement. */
async function auditMany(
  tx: EntityManager,
  entries: { documentId: string; sessionId: string | null }[],
  type: string,
  details: object,
): Promise<void> {
  await execute(
    tx,
    `INSERT INTO session.audit_events (document_id, session_id, type, at, details)
     SELECT t.document_id, t.session_id, $3, now(), $4::jsonb
     FROM unnest($1::uuid[], $2::uuid[]) AS t(document_id, session_id)`,
    [entries.map((e) => e.documentId), entries.map((e) => e.sessionId), type, JSON.stringify(details)],
  );
}
