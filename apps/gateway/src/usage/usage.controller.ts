import { MeteringRpc, type UsageReport } from '@docsession/contracts';
import { RpcClient } from '@docsession/platform';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { METERING_RPC } from '../backends';

@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
export class UsageController {
  constructor(@Inject(METERING_RPC) private readonly metering: RpcClient) {}

  @Get()
  async usage(@TenantId() tenantId: string) {
    const u = await this.metering.call<UsageReport>(MeteringRpc.GetUsage, { tenantId });
    return {
      tenant_id: u.tenantId,
      plan: { name: u.plan.name, usage_limit: u.plan.usageLimit, grace_percent: u.plan.gracePercent },
      period: { start: u.period.start, end_exclusive: u.period.endExclusive },
      total_usage: u.totalUsage,
      remaining_usage_limit: u.remainingUsageLimit,
      status: u.status,
    };
  }
}
