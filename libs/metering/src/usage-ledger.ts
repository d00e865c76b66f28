import { queryRows } from '@docsession/platform';
import type { SessionCreated, SetPlanRequest, UsageReport } from '@docsession/contracts';
import type { DataSource } from 'typeorm';
import { monthOf, periodKey } from './periods';
import { usageStatus } from './usage-status';

export interface DefaultPlan {
  usageLimit: number;
  gracePercent: number;
}

/**
 * The ledger of billable calls and the per-tenant, per-month counters beside it.
 * Only this class writes the `metering` schema's usage tables.
 */
export class UsageLedger {
  constructor(
    private readonly db: DataSource,
    private readonly defaultPlan: DefaultPlan,
  ) {}

  /**
   * Records one billable call. The ledger insert and the counter increment are one
   * statement, so they commit together; a repeated event id inserts nothing and so
   * counts nothing. Returns true when this call was new.
   */
  async record(event: SessionCreated): Promise<boolean> {
    const rows: unknown[] = await queryRows(this.db, 
      `WITH ins AS (
         INSERT INTO metering.billable_calls
           (tenant_id, event_id, occurred_at, period_start, session_id, document_id, user_id, kind)
         VALUES ($1, $2, $3, date_trunc('month', $3::timestamptz AT TIME ZONE 'UTC')::date, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING tenant_id, period_start
       )
       INSERT INTO metering.usage_counters (tenant_id, period_start, total)
       SELECT tenant_id, period_start, 1 FROM ins
       ON CONFLICT (tenant_id, period_start) DO UPDATE SET total = metering.usage_counters.total + 1
       RETURNING total`,
      [
        event.tenantId,
        event.eventId,
        event.occurredAt,
        event.session.sessionId,
        event.document.documentId,
        event.session.user?.id ?? null,
        event.kind,
      ],
    );
    return rows.length > 0;
  }

  async setPlan(plan: SetPlanRequest): Promise<void> {
    await queryRows(this.db, 
      `INSERT INTO metering.plans (tenant_id, name, usage_limit, grace_percent) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE
         SET name = EXCLUDED.name, usage_limit = EXCLUDED.usage_limit,
             grace_percent = EXCLUDED.grace_percent, updated_at = now()`,
      [plan.tenantId, plan.name, plan.usageLimit, plan.gracePercent],
    );
  }

  async usage(tenantId: string, at = new Date()): Promise<UsageReport> {
    const period = monthOf(at);
    const rows: { name: string | null; usage_limit: string | null; grace_percent: number | null; total: string | null }[] =
      await queryRows(this.db, 
        `SELECT p.name, p.usage_limit, p.grace_percent,
                (SELECT total FROM metering.usage_counters WHERE tenant_id = $1 AND period_start = $2) AS total
         FROM (SELECT 1) one LEFT JOIN metering.plans p ON p.tenant_id = $1`,
        [tenantId, periodKey(period)],
      );
    const row = rows[0];
    const usageLimit = row?.usage_limit === null || !row ? this.defaultPlan.usageLimit : Number(row.usage_limit);
    const gracePercent = row?.grace_percent ?? this.defaultPlan.gracePercent;
    const total = Number(row?.total ?? 0);
    return {
      tenantId,
      plan: { name: row?.name ?? 'default', usageLimit, gracePercent },
      period: { start: period.start.toISOString(), endExclusive: period.endExclusive.toISOString() },
      totalUsage: total,
      remainingUsageLimit: Math.max(0, usageLimit - total),
      status: usageStatus(total, usageLimit, gracePercent),
    };
  }
}
