import type { UsageAlertJob, UsageAlertRecord } from '@docsession/contracts';
import { execute, queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { ALERT_COLUMNS, alertJobOf, alertRow } from './alert-rows';

/** Alerts listed per tenant: the newest periods first, at most this many. */
const LIST_LIMIT = 300;

/**
 * The usage alerts the ledger fired (75, 90 and 100 % of a plan, once per tenant and
 * period), and the bookkeeping of their webhook deliveries.
 */
export class UsageAlerts {
  constructor(private readonly db: DataSource) {}

  async list(tenantId: string): Promise<UsageAlertRecord[]> {
    const rows = await queryRows(
      this.db,
      alertRow,
      `SELECT ${ALERT_COLUMNS} FROM metering.usage_alerts WHERE tenant_id = $1
       ORDER BY period_start DESC, threshold_percent LIMIT ${LIST_LIMIT}`,
      [tenantId],
    );
    return rows.map(alertJobOf).map((a) => ({
      alertId: a.alertId,
      thresholdPercent: a.thresholdPercent,
      periodStart: a.periodStart,
      firedAt: a.firedAt,
      usageAtFire: a.usageAtFire,
    }));
  }

  /** Alerts whose webhook job was never scheduled (Redis was down, or the process died). */
  async unscheduled(limit = 1_000): Promise<UsageAlertJob[]> {
    const rows = await queryRows(
      this.db,
      alertRow,
      `SELECT ${ALERT_COLUMNS} FROM metering.usage_alerts WHERE enqueued_at IS NULL ORDER BY fired_at LIMIT $1`,
      [limit],
    );
    return rows.map(alertJobOf);
  }

  async markScheduled(alertIds: string[]): Promise<void> {
    if (!alertIds.length) return;
    await execute(this.db, `UPDATE metering.usage_alerts SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [
      alertIds,
    ]);
  }

  async markDelivered(alertId: string): Promise<void> {
    await execute(
      this.db,
      `UPDATE metering.usage_alerts SET delivered_at = coalesce(delivered_at, now()) WHERE id = $1`,
      [alertId],
    );
  }
}
