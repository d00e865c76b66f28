import { DomainError, ErrorCode, isStorableText, MeteringRpc, UNSTORABLE_MESSAGE } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { KeyRevocations, TenancyService } from '@docsession/tenancy';
import { Body, Controller, Delete, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AdminGuard } from '../auth/admin.guard';
import { METERING_RPC, type MeteringRpcClient } from '../backends';
import { SECRET_KEY } from '../secrets.providers';
import { IdPipe } from '../http/id.pipe';

export const createTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).refine(isStorableText, UNSTORABLE_MESSAGE),
    plan_name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine(isStorableText, UNSTORABLE_MESSAGE)
      .optional()
      .meta({ description: 'Default: `standard`.' }),
    usage_limit: z.number().int().min(0).optional().meta({ description: 'Default: DEFAULT_USAGE_LIMIT.' }),
    grace_percent: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .meta({ description: 'Default: DEFAULT_GRACE_PERCENT.' }),
    webhook_url: z
      .url({ protocol: /^https?$/ })
      .refine(isStorableText, UNSTORABLE_MESSAGE)
      .optional()
      .meta({ description: 'Where usage alerts are delivered, signed with the webhook secret.' }),
  })
  .strict()
  .meta({
    id: 'TenantCreateRequest',
    example: { name: 'acme', usage_limit: 50_000, grace_percent: 10, webhook_url: 'https://acme.example/usage-alerts' },
  });

export const tenantCreatedSchema = z
  .object({ tenant_id: z.uuid(), api_key: z.string(), webhook_secret: z.string() })
  .meta({ id: 'TenantCreated', description: 'The secrets are shown once (stored hashed).' });
export type TenantCreated = z.infer<typeof tenantCreatedSchema>;

export const keyCreatedSchema = z
  .object({ key_id: z.uuid(), api_key: z.string() })
  .meta({ id: 'KeyCreated', description: 'The key is shown once (stored hashed).' });
export type KeyCreated = z.infer<typeof keyCreatedSchema>;

export const keyRevokedSchema = z.object({ key_id: z.uuid(), revoked: z.literal(true) }).meta({ id: 'KeyRevoked' });
export type KeyRevoked = z.infer<typeof keyRevokedSchema>;

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
  async createTenant(@Body() body: unknown): Promise<TenantCreated> {
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
  async createKey(@Param('tenantId', IdPipe) tenantId: string): Promise<KeyCreated> {
    const key = await this.tenancy.createKey(tenantId);
    if (!key) throw new DomainError(ErrorCode.NotFound, 'No such tenant.');
    return { key_id: key.keyId, api_key: key.apiKey };
  }

  @Delete('keys/:keyId')
  async revokeKey(@Param('keyId', IdPipe) keyId: string): Promise<KeyRevoked> {
    const keyHash = await this.tenancy.revokeKey(keyId);
    if (!keyHash) throw new DomainError(ErrorCode.NotFound, 'No such key.');
    await this.revocations.announce(keyHash);
    return { key_id: keyId, revoked: true };
  }
}
