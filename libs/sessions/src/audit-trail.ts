import { auditEventTypeSchema, type AuditEventRecord } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { anyRow } from './rows';
import type { SessionService } from './session.service';

const auditEventRow = z.object({
  at: z.date(),
  type: auditEventTypeSchema,
  session_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * A document's audit trail, oldest first: what happened to it and its sessions. It stays
 * after the content is removed, until the purge trims it (AUDIT_RETENTION_DAYS).
 */
export class AuditTrail {
  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionService,
  ) {}

  /** Only the document's tenant sees it; anyone else gets the same 404 as for an unknown id. */
  async list(tenantId: string, documentId: string): Promise<AuditEventRecord[]> {
    const owned = await queryRows(this.db, anyRow, `SELECT 1 FROM session.documents WHERE id = $1 AND tenant_id = $2`, [
      documentId,
      tenantId,
    ]);
    // Not stored (yet): the document read stores an open the consumer has not, or answers 404.
    if (!owned.length) await this.sessions.getDocument(tenantId, documentId);
    const rows = await queryRows(
      this.db,
      auditEventRow,
      `SELECT at, type, session_id, details FROM session.audit_events WHERE document_id = $1 ORDER BY at, id`,
      [documentId],
    );
    return rows.map((r) => ({
      at: r.at.toISOString(),
      type: r.type,
      sessionId: r.session_id,
      details: r.details ?? {},
    }));
  }
}
