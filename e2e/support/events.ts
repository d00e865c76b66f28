import type { SessionCreated } from '@docsession/contracts';
import { query } from './database';

/** Rebuilds the `session.created` event of a stored session, to deliver it again. */
export async function storedSessionCreated(sessionId: string): Promise<SessionCreated> {
  const [row] = await query<any>(
    `SELECT s.id, s.tenant_id, s.token_hash, s.mode, s.user_id, s.user_display_name, s.callback,
            s.created_at, s.expires_at, d.id AS document_id, d.name, d.external_id, d.content_type,
            d.size_bytes, d.sha256, d.metadata, (d.host_session_id = s.id) AS host
     FROM session.sessions s JOIN session.documents d ON d.id = s.document_id WHERE s.id = $1`,
    [sessionId],
  );
  return {
    eventId: row.id,
    occurredAt: row.created_at.toISOString(),
    tenantId: row.tenant_id,
    kind: row.host ? 'open' : 'join',
    session: {
      sessionId: row.id,
      tokenHash: row.token_hash,
      mode: row.mode,
      user:
        row.user_id || row.user_display_name
          ? { id: row.user_id ?? undefined, display_name: row.user_display_name ?? undefined }
          : null,
      expiresAt: row.expires_at.toISOString(),
      callback: row.callback,
    },
    document: {
      documentId: row.document_id,
      name: row.name,
      externalId: row.external_id,
      contentType: row.content_type,
      sizeBytes: Number(row.size_bytes),
      sha256: row.sha256,
      metadata: row.metadata,
    },
  };
}
