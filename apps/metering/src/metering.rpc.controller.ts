import { MeteringRpc, setPlanSchema, tenantRefSchema } from '@docsession/contracts';
import { UsageLedger } from '@docsession/metering';
import { DomainRpcExceptionFilter } from '@docsession/platform';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class MeteringRpcController {
  constructor(private readonly ledger: UsageLedger) {}

  @MessagePattern(MeteringRpc.GetUsage)
  usage(@Payload() data: unknown) {
    return this.ledger.usage(tenantRefSchema.parse(data).tenantId);
  }

  @MessagePattern(MeteringRpc.SetPlan)
  async setPlan(@Payload() data: unknown) {
    await this.ledger.setPlan(setPlanSchema.parse(data));
    return { ok: true };
  }
}
