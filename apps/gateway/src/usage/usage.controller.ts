import { MeteringRpc } from '@docsession/contracts';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { METERING_RPC, type MeteringRpcClient } from '../backends';

@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
export class UsageController {
  constructor(@Inject(METERING_RPC) private readonly metering: MeteringRpcClient) {}

  @Get()
  async usage(@TenantId() tenantId: string) {
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
  async alerts(@TenantId() tenantId: string) {
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
