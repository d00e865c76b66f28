import { DomainError, ErrorCode, isStorableText, MeteringRpc, UNSTORABLE_MESSAGE } from '@docsession/contracts';
import { TenancyService } from '@docsession/tenancy';
import { Body, Controller, Inject, Logger, Param, Patch, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard } from '../auth/admin.guard';
import { METERING_RPC, type MeteringRpcClient } from '../backends';
import { IdPipe } from '../http/id.pipe';
import { QuotaGate } from '../quota/quota-gate';

export const planChangeSchema = z
  .object({
    name: z.string().trim().min(1).max(100).refine(isStorableText, UNSTORABLE_MESSAGE).optional(),
    usage_limit: z.number().int().min(0).max(1_000_000_000_000).optional().meta({ example: 50_000 }),
    grace_percent: z.number().int().min(0).max(1000).optional().meta({ example: 10 }),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'send at least one of name, usage_limit, grace_percent')
  .meta({
    id: 'PlanChange',
    description: 'The fields to change (at least one); the others keep their value.',
    minProperties: 1,
  });

export const planViewSchema = z
  .object({ tenant_id: z.uuid(), name: z.string(), usage_limit: z.int().min(0), grace_percent: z.int().min(0) })
  .meta({ id: 'Plan', description: 'The plan as it now is; it applies to the next open on every gateway.' });
export type PlanView = z.infer<typeof planViewSchema>;

/** Operator API: a tenant's plan. */
@Controller('v1/admin/tenants')
@UseGuards(AdminGuard)
export class PlansController {
  private readonly logger = new Logger(PlansController.name);

  constructor(
    @Inject(METERING_RPC) private readonly metering: MeteringRpcClient,
    private readonly tenancy: TenancyService,
    private readonly quota: QuotaGate,
  ) {}

  /**
   * `PATCH /v1/admin/tenants/{tenant_id}/plan`: changes the fields sent. The new limit
   * applies to the very next open on every gateway (their shared plan copy is
   * overwritten); should that write fail, within QUOTA_PLAN_CACHE_SECONDS.
   */
  @Patch(':tenantId/plan')
  async change(@Param('tenantId', IdPipe) tenantId: string, @Body() body: unknown): Promise<PlanView> {
    const change = planChangeSchema.parse(body ?? {});
    if (!(await this.tenancy.tenantExists(tenantId))) throw new DomainError(ErrorCode.NotFound, 'No such tenant.');
    const plan = await this.metering.call(MeteringRpc.UpdatePlan, {
      tenantId,
      name: change.name,
      usageLimit: change.usage_limit,
      gracePercent: change.grace_percent,
    });
    await this.quota
      .planChanged(plan)
      .catch((err: Error) => this.logger.warn(`Plan of ${tenantId} not pushed to the quota cache: ${err.message}`));
    return { tenant_id: tenantId, name: plan.name, usage_limit: plan.usageLimit, grace_percent: plan.gracePercent };
  }
}
