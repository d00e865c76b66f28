import {
  DomainError,
  ErrorCode,
  MeteringRpc,
  quotaRequestSchema,
  setPlanSchema,
  tenantRefSchema,
  updatePlanSchema,
} from '@docsession/contracts';
import { parsePeriodLabel, PlanBook, UsageAlerts, UsageLedger } from '@docsession/metering';
import { DomainRpcExceptionFilter } from '@docsession/platform';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class MeteringRpcController {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly plans: PlanBook,
    private readonly alerts: UsageAlerts,
  ) {}

  @MessagePattern(MeteringRpc.GetUsage)
  usage(@Payload() data: unknown) {
    return this.ledger.usage(tenantRefSchema.parse(data).tenantId);
  }

  @MessagePattern(MeteringRpc.SetPlan)
  async setPlan(@Payload() data: unknown) {
    await this.ledger.setPlan(setPlanSchema.parse(data));
    return { ok: true };
  }

  @MessagePattern(MeteringRpc.UpdatePlan)
  updatePlan(@Payload() data: unknown) {
    return this.plans.update(updatePlanSchema.parse(data));
  }

  /** The plan and the period's total, for a gateway to seed its reservation counter. */
  @MessagePattern(MeteringRpc.GetQuota)
  quota(@Payload() data: unknown) {
    const request = quotaRequestSchema.parse(data);
    const period = parsePeriodLabel(request.period);
    if (!period) throw new DomainError(ErrorCode.InvalidRequest, `No such period ${request.period}.`);
    return this.plans.quotaSeed(request.tenantId, period);
  }

  @MessagePattern(MeteringRpc.ListAlerts)
  alertsOf(@Payload() data: unknown) {
    return this.alerts.list(tenantRefSchema.parse(data).tenantId);
  }
}
