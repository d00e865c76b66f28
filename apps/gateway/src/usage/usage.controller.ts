import { alertThresholdSchema, isoTimeSchema, MeteringRpc, usageStatusSchema } from '@docsession/contracts';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { METERING_RPC, type MeteringRpcClient } from '../backends';

export const usageViewSchema = z
  .object({
    tenant_id: z.uuid(),
    plan: z.object({
      name: z.string(),
      usage_limit: z.int().min(0).meta({ example: 50_000 }),
      grace_percent: z.int().min(0).meta({ example: 10 }),
    }),
    period: z.object({ start: isoTimeSchema, end_exclusive: isoTimeSchema }),
    total_usage: z.int().min(0).meta({ example: 284 }),
    remaining_usage_limit: z.int().meta({ example: 49_716 }),
    status: usageStatusSchema.meta({
      description:
        '`warning` from 75 %, `over_limit` past 100 % (opens still allowed within the grace), `blocked` once total_usage ' +
        'reaches floor(usage_limit × (1 + grace_percent/100)) (further opens answer 429 usage_exceeded).',
    }),
  })
  .meta({ id: 'Usage' });
export type UsageView = z.infer<typeof usageViewSchema>;

export const usageAlertsSchema = z
  .object({
    alerts: z.array(
      z.object({
        threshold_percent: alertThresholdSchema,
        period_start: isoTimeSchema,
        fired_at: isoTimeSchema,
        usage_at_fire: z.int().min(0),
      }),
    ),
  })
  .meta({ id: 'UsageAlerts' });
export type UsageAlerts = z.infer<typeof usageAlertsSchema>;

@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
export class UsageController {
  constructor(@Inject(METERING_RPC) private readonly metering: MeteringRpcClient) {}

  @Get()
  async usage(@TenantId() tenantId: string): Promise<UsageView> {
    const u = await this.metering.call(MeteringRpc.GetUsage, { tenantId });
    return {
      tenant_id: u.tenantId,
      plan: { name: u.plan.name, usage_limit: u.plan.usageLimit, grace_percent: u.plan.gracePercent },
      period: { start: u.period.start, end_exclusive: u.period.endExclusive },
      total_usage: u.totalUsage,
      remaining_usage_limit: u.remainingUsageLimit,
      status: u.status,
    };
  }

  /** Every threshold (75, 90, 100 %) fires once per period; newest periods first. */
  @Get('alerts')
  async alerts(@TenantId() tenantId: string): Promise<UsageAlerts> {
    const alerts = await this.metering.call(MeteringRpc.ListAlerts, { tenantId });
    return {
      alerts: alerts.map((a) => ({
        threshold_percent: a.thresholdPercent,
        period_start: a.periodStart,
        fired_at: a.firedAt,
        usage_at_fire: a.usageAtFire,
      })),
    };
  }
}
