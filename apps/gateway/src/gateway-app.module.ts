import { PendingOpens } from '@docsession/pending-opens';
import {
  APP_CONFIG,
  DeadLetters,
  PlatformModule,
  REDIS,
  redisPrefix,
  secretFromEnvOrDataDir,
  type AppConfig,
} from '@docsession/platform';
import { BlobStoreModule } from '@docsession/storage';
import { KeyRevocations, TenancyService } from '@docsession/tenancy';
import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AdminController } from './admin/admin.controller';
import { DeadLettersController } from './admin/dead-letters.controller';
import { PurgeController } from './admin/purge.controller';
import { AdminGuard } from './auth/admin.guard';
import { ApiKeyGuard } from './auth/api-key.guard';
import { VerifiedKeys } from './auth/verified-keys';
import { backendProviders } from './backends';
import { billingControllers, billingProviders } from './billing.providers';
import { AuditController } from './opens/audit.controller';
import { DocumentIntake } from './opens/document-intake';
import { DocumentsController } from './opens/documents.controller';
import { VersionsController } from './opens/versions.controller';
import { SessionOpener } from './opens/session-opener';
import { SessionPresenter } from './opens/session-presenter';
import { SessionTokens } from './opens/session-tokens';
import { PageController } from './page/page.controller';
import { PageSaves } from './page/page-saves';
import { SECRET_KEY, secretProviders } from './secrets.providers';
import { SessionsController } from './sessions/sessions.controller';
import { UsageController } from './usage/usage.controller';
import { EditorDiscovery } from './wopi/editor-discovery';
import { WopiHost } from './wopi/wopi-host';
import { WopiProofs } from './wopi/wopi-proofs';
import { zohoControllers, zohoProviders } from './zoho/zoho.providers';

/**
 * The gateway: the HTTP edge. It authenticates tenants, takes uploads, publishes
 * `session.created`, and asks the session and metering services for everything else.
 * It holds no session state of its own.
 */
@Module({
  imports: [
    PlatformModule.forService({
      service: 'gateway',
      // Its port faces the clients: /metrics there only for the operator (or on METRICS_PORT).
      operatorToken: (c) => secretFromEnvOrDataDir(c.ADMIN_TOKEN, c.DATA_DIR, 'admin-token'),
    }),
    BlobStoreModule,
  ],
  controllers: [
    DocumentsController,
    VersionsController,
    SessionsController,
    UsageController,
    AdminController,
    PageController,
    PurgeController,
    DeadLettersController,
    AuditController,
    ...billingControllers,
    ...zohoControllers,
  ],
  providers: [
    ...secretProviders,
    ...backendProviders,
    { provide: TenancyService, inject: [DataSource], useFactory: (db: DataSource) => new TenancyService(db) },
    {
      provide: KeyRevocations,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new KeyRevocations(redis, redisPrefix(config)),
    },
    VerifiedKeys,
    { provide: DeadLetters, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new DeadLetters(config) },
    {
      provide: PendingOpens,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new PendingOpens(redis, redisPrefix(config)),
    },
    { provide: SessionTokens, inject: [SECRET_KEY], useFactory: (secret: string) => new SessionTokens(secret) },
    {
      provide: SessionPresenter,
      inject: [APP_CONFIG, SessionTokens],
      useFactory: (config: AppConfig, tokens: SessionTokens) => new SessionPresenter(config.PUBLIC_URL, tokens),
    },
    ApiKeyGuard,
    AdminGuard,
    DocumentIntake,
    SessionOpener,
    PageSaves,
    EditorDiscovery,
    WopiProofs,
    WopiHost,
    ...billingProviders,
    ...zohoProviders,
  ],
})
export class GatewayAppModule {}
