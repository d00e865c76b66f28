import { alertThresholdSchema, type UsageAlertJob } from '@docsession/contracts';
import { z } from 'zod';

/** How an alert row is selected: dates as text, so no time zone can shift them. */
export const ALERT_COLUMNS = `id, tenant_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, threshold_percent,
  usage_at_fire, fired_at`;

export const alertRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  period_start: z.string(),
  threshold_percent: alertThresholdSchema,
  usage_at_fire: z.string(),
  fired_at: z.date(),
});
export type AlertRow = z.infer<typeof alertRow>;

export function alertJobOf(row: AlertRow): UsageAlertJob {
  return {
    alertId: row.id,
    tenantId: row.tenant_id,
    thresholdPercent: row.threshold_percent,
    periodStart: `${row.period_start}T00:00:00.000Z`,
    firedAt: row.fired_at.toISOString(),
    usageAtFire: Number(row.usage_at_fire),
  };
}
