import type { UsageAlertJob } from '@docsession/contracts';

/** How an alert row is selected: dates as text, so no time zone can shift them. */
export const ALERT_COLUMNS = `id, tenant_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, threshold_percent,
  usage_at_fire, fired_at`;

export interface AlertRow {
  id: string;
  tenant_id: string;
  period_start: string;
  threshold_percent: number;
  usage_at_fire: string;
  fired_at: Date;
}

export function alertJobOf(row: AlertRow): UsageAlertJob {
  return {
    alertId: row.id,
    tenantId: row.tenant_id,
    thresholdPercent: row.threshold_percent as UsageAlertJob['thresholdPercent'],
    periodStart: `${row.period_start}T00:00:00.000Z`,
    firedAt: row.fired_at.toISOString(),
    usageAtFire: Number(row.usage_at_fire),
  };
}
