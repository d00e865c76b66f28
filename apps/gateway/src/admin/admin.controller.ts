import { DomainError, ErrorCode, MeteringRpc } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { KeyRevocations, TenancyService } from '@docsession/tenancy';
import { Body, Controller, Delete, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AdminGuard } from '../auth/admin.guard';
import { METERING_RPC, type MeteringRpcClient } from '../backends';
import { SECRET_KEY } from '../secrets.providers';
import { IdPipe } from '../http/id.pipe';

const createTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    plan_name: z.string().trim().min(1).max(100).optional(),
    usage_limit: z.number().int().min(0).optional(),
    grace_percent: z.number().int().min(0).max(1000).optional(),
    webhook_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/** Operator API: tenants with their plan, and API keys. */
@Controller('v1/admin')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_KEY) private readonly secretKey: string,
    @Inject(METERING_RPC) private readonly metering: MeteringRpcClient,
    private readonly tenancy: TenancyService,
    private readonly revocations: KeyRevocations,
  ) {}

  /** The plan is set first: a failure then leaves no tenant behind, only an unused plan row. */
  @Post('tenants')
  @HttpCode(201)
  async createTenant(@Body() body: unknown) {
    const input = createTenantSchema.parse(body ?? {});
    const tenantId = randomUUID();
    await this.metering.call(MeteringRpc.SetPlan, {
      tenantId,
      name: input.plan_name ?? 'standard',
      usageLimit: input.usage_limit ?? this.config.DEFAULT_USAGE_LIMIT,
      gracePercent: input.grace_percent ?? this.config.DEFAULT_GRACE_PERCENT,
    });
    const created = await this.tenancy.createTenant(
      { tenantId, name: input.name, webhookUrl: input.webhook_url ?? null },
      this.secretKey,
    );
    return { tenant_id: created.tenantId, api_key: created.apiKey, webhook_secret: created.webhookSecret };
  }

  @Post('tenants/:tenantId/keys')
  @HttpCode(201)
  async createKey(@Param('tenantId', IdPipe) tenantId: string) {
    const key = await this.tenancy.createKey(tenantId);
    if (!key) throw new DomainError(ErrorCode.NotFound, 'No such tenant.');
    return { key_id: key.keyId, api_key: key.apiKey };
  }

  @Delete('keys/:keyId')
  async revokeKey(@Param('keyId', IdPipe) keyId: string) {
    const keyHash = await this.tenancy.revokeKey(keyId);
    if (!keyHash) throw new DomainError(ErrorCode.NotFound, 'No such key.');
    await this.revocations.announce(keyHash);
    return { key_id: keyId, revoked: true };
  }
}
