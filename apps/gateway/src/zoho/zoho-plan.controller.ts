import { MeteringRpc } from '@docsession/contracts';
import { Controller, Get, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { TenantId } from '../auth/tenant';
import { METERING_RPC, type MeteringRpcClient } from '../backends';
import { ZohoApiKeyGuard } from './zoho-api-key.guard';
import { ZohoErrorFilter } from './zoho-errors';
import { WRITER } from './zoho-products';
import { presentPlan, type ZohoPlan } from './zoho-views';

/**
 * Zoho's plan details: the tenant's plan and usage of the current period, as `GET
 * /v1/usage` reports them. The plan API belongs to no editor; its errors use Writer's codes.
 */
@Controller('api/v1/plan')
@UseGuards(ZohoApiKeyGuard)
@UseFilters(new ZohoErrorFilter(WRITER))
export class ZohoPlanController {
  constructor(@Inject(METERING_RPC) private readonly metering: MeteringRpcClient) {}

  @Get()
  async plan(@TenantId() tenantId: string): Promise<ZohoPlan> {
    return presentPlan(await this.metering.call(MeteringRpc.GetUsage, { tenantId }));
  }
}
