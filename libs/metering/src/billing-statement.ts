import { queryRows } from '@docsession/platform';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { LEDGER_CSV_HEADER, type BillingRow } from './export-formats';
import { LedgerExport, ledgerChunks } from './ledger-export';
import { periodKey, type Period } from './periods';

const EMPTY_LEDGER = { calls: 0, sha256: createHash('sha256').update(LEDGER_CSV_HEADER, 'utf8').digest('hex') };

export interface TenantName {
  tenantId: string;
  name: string;
}

/**
 * The operator's billing export: one row per tenant and period, with the calls counted
 * from the ledger itself (not the counter) and `ledger_sha256`, the SHA-256 (lowercase
 * hex) of exactly the bytes `GET /v1/usage/export?period=…&format=csv` gives that
 * tenant — computed by running that very export into a hash, so the two cannot
 * disagree. A tenant without calls has the hash of the header line alone.
 *
 * `usage_limit` is the tenant's plan at export time (plans keep no history).
 */
export class BillingStatement {
  private readonly ledger: LedgerExport;

  constructor(
    private readonly db: DataSource,
    private readonly defaultUsageLimit: number,
  ) {
    this.ledger = new LedgerExport(db);
  }

  /**
   * Rows sorted by tenant id, for the tenants named (tenancy owns their names) and any
   * other tenant with calls in the period. Memory grows with the tenants, not the calls.
   */
  async *rows(period: Period, tenants: TenantName[]): AsyncGenerator<BillingRow> {
    const names = new Map(tenants.map((t) => [t.tenantId, t.name]));
    const counted = await queryRows(
      this.db,
      z.object({ tenant_id: z.string() }),
      `SELECT tenant_id FROM metering.usage_counters WHERE period_start = $1`,
      [periodKey(period)],
    );
    const ids = [...new Set([...names.keys(), ...counted.map((r) => r.tenant_id)])].sort();
    const limits = await this.usageLimits();
    const billed = new Set(counted.map((r) => r.tenant_id));
    for (const tenantId of ids) {
      // The counter is written in the same statement as the ledger: no counter, no calls.
      const { calls, sha256 } = billed.has(tenantId) ? await this.ledgerDigest(period, tenantId) : EMPTY_LEDGER;
      const usageLimit = limits.get(tenantId) ?? this.defaultUsageLimit;
      yield {
        tenant_id: tenantId,
        tenant_name: names.get(tenantId) ?? '',
        period_start: period.start.toISOString(),
        period_end_exclusive: period.endExclusive.toISOString(),
        usage_limit: usageLimit,
        billable_calls: calls,
        overage_calls: Math.max(0, calls - usageLimit),
        ledger_sha256: sha256,
      };
    }
  }

  /** The tenant's CSV export, hashed instead of sent, and its row count. */
  async ledgerDigest(period: Period, tenantId: string): Promise<{ calls: number; sha256: string }> {
    const hash = createHash('sha256');
    let calls = 0;
    const cursor = await this.ledger.open({ period, tenantId });
    for await (const chunk of ledgerChunks(cursor, 'csv', (n) => (calls = n))) hash.update(chunk, 'utf8');
    return { calls, sha256: hash.digest('hex') };
  }

  private async usageLimits(): Promise<Map<string, number>> {
    const rows = await queryRows(
      this.db,
      z.object({ tenant_id: z.string(), usage_limit: z.string() }),
      `SELECT tenant_id, usage_limit FROM metering.plans`,
    );
    return new Map(rows.map((r) => [r.tenant_id, Number(r.usage_limit)]));
  }
}
