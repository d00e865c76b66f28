import {
  DomainError,
  ErrorCode,
  MeteringRpc,
  type QuotaRequest,
  type SetPlanRequest,
  type TenantRef,
  type UpdatePlanRequest,
} from '@docsession/contracts';
import { parsePeriodLabel, PlanBook, UsageAlerts, UsageLedger } from '@docsession/metering';
import { DomainRpcExceptionFilter, RpcHandler } from '@docsession/platform';
import { Controller, UseFilters } from '@nestjs/common';

@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class MeteringRpcController {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly plans: PlanBook,
    private readonly alerts: UsageAlerts,
  ) {}

  @RpcHandler(MeteringRpc.GetUsage)
  usage({ tenantId }: TenantRef) {
    return this.ledger.usage(tenantId);
  }

  @RpcHandler(MeteringRpc.SetPlan)
  async setPlan(request: SetPlanRequest) {
    await this.ledger.setPlan(request);
    return { ok: true } as const;
  }

  @RpcHandler(MeteringRpc.UpdatePlan)
  updatePlan(request: UpdatePlanRequest) {
    return this.plans.update(request);
  }

  /** The plan and the period's total, for a gateway to seed its reservation counter. */
  @RpcHandler(MeteringRpc.GetQuota)
  quota(request: QuotaRequest) {
    const period = parsePeriodLabel(request.period);
    if (!period) throw new DomainError(ErrorCode.InvalidRequest, `No such period ${request.period}.`);
    return this.plans.quotaSeed(request.tenantId, period);
  }

  @RpcHandler(MeteringRpc.ListAlerts)
  alertsOf({ tenantId }: TenantRef) {
    return this.alerts.list(tenantId);
  }
}
