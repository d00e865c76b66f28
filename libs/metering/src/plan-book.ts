import type { PlanRecord, QuotaSeed, UpdatePlanRequest } from '@docsession/contracts';
import { queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Period } from './periods';
import { periodKey, periodLabel } from './periods';
import type { DefaultPlan } from './usage-ledger';
import { hardLimit } from './usage-status';

// bigint columns (usage_limit, version, total) arrive as strings.
const planRow = z.object({
  name: z.string(),
  usage_limit: z.string(),
  grace_percent: z.number(),
  version: z.string(),
});
type PlanRow = z.infer<typeof planRow>;

/** A plan row that may be missing (a LEFT JOIN), with the period's counter. */
const seedRow = z.object({
  name: z.string().nullable(),
  usage_limit: z.string().nullable(),
  grace_percent: z.number().nullable(),
  version: z.string().nullable(),
  total: z.string().nullable(),
});

/** The name a tenant's plan has when none was ever stored (as GET /v1/usage reports it). */
const DEFAULT_PLAN_NAME = 'default';

/**
 * Tenants' plans as the quota check and the operator see them: partial changes, and
 * the plan together with the period's counter, which the gateways seed their
 * reservation counters from.
 */
export class PlanBook {
  constructor(
    private readonly db: DataSource,
    private readonly defaultPlan: DefaultPlan,
  ) {}

  /** Changes the given fields (a tenant without a plan row gets the defaults for the rest). */
  async update(change: UpdatePlanRequest): Promise<PlanRecord> {
    const [row] = await queryRows(
      this.db,
      planRow,
      `INSERT INTO metering.plans AS p (tenant_id, name, usage_limit, grace_percent)
       VALUES ($1, coalesce($2::text, $5::text), coalesce($3::bigint, $6::bigint), coalesce($4::int, $7::int))
       ON CONFLICT (tenant_id) DO UPDATE
         SET name = coalesce($2::text, p.name), usage_limit = coalesce($3::bigint, p.usage_limit),
             grace_percent = coalesce($4::int, p.grace_percent), updated_at = now(), version = p.version + 1
       RETURNING name, usage_limit, grace_percent, version`,
      [
        change.tenantId,
        change.name ?? null,
        change.usageLimit ?? null,
        change.gracePercent ?? null,
        DEFAULT_PLAN_NAME,
        this.defaultPlan.usageLimit,
        this.defaultPlan.gracePercent,
      ],
    );
    return planOf(change.tenantId, row);
  }

  async plan(tenantId: string): Promise<PlanRecord> {
    const [row] = await queryRows(
      this.db,
      planRow,
      `SELECT name, usage_limit, grace_percent, version FROM metering.plans WHERE tenant_id = $1`,
      [tenantId],
    );
    return row ? planOf(tenantId, row) : this.fallback(tenantId);
  }

  /** The plan and the period's billed total, read in one statement. */
  async quotaSeed(tenantId: string, period: Period): Promise<QuotaSeed> {
    const [row] = await queryRows(
      this.db,
      seedRow,
      `SELECT p.name, p.usage_limit, p.grace_percent, p.version,
              (SELECT total FROM metering.usage_counters WHERE tenant_id = $1 AND period_start = $2) AS total
       FROM (SELECT 1) one LEFT JOIN metering.plans p ON p.tenant_id = $1`,
      [tenantId, periodKey(period)],
    );
    const stored = storedPlan(row);
    const plan = stored ? planOf(tenantId, stored) : this.fallback(tenantId);
    return {
      period: periodLabel(period),
      totalUsage: Number(row?.total ?? 0),
      plan,
      hardLimit: hardLimit(plan.usageLimit, plan.gracePercent),
    };
  }

  /** Version 0: any stored plan, however old, is newer than the defaults. */
  private fallback(tenantId: string): PlanRecord {
    return { tenantId, name: DEFAULT_PLAN_NAME, ...this.defaultPlan, version: 0 };
  }
}

/** The plan row the LEFT JOIN found, if any (its columns are NOT NULL in the table). */
function storedPlan(row: z.infer<typeof seedRow> | undefined): PlanRow | null {
  if (!row || row.name === null || row.usage_limit === null || row.grace_percent === null || row.version === null) {
    return null;
  }
  return { name: row.name, usage_limit: row.usage_limit, grace_percent: row.grace_percent, version: row.version };
}

function planOf(tenantId: string, row: PlanRow): PlanRecord {
  return {
    tenantId,
    name: row.name,
    usageLimit: Number(row.usage_limit),
    gracePercent: row.grace_percent,
    version: Number(row.version),
  };
}
