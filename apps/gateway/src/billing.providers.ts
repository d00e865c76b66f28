import { BillingStatement, LedgerExport, QuotaReservations } from '@docsession/metering';
import { APP_CONFIG, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import type { Provider, Type } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { BillingExportController } from './admin/billing-export.controller';
import { PlansController } from './admin/plans.controller';
import { ExportSlots } from './exports/export-slots';
import { IdempotencyRecords } from './idempotency/idempotency-records';
import { OpenAdmission } from './opens/open-admission';
import { QuotaGate } from './quota/quota-gate';
import { UsageExportController } from './usage/usage-export.controller';

/** The gateway's part of metering and billing: idempotent, quota-checked opens, plans, exports. */
export const billingControllers: Type<unknown>[] = [UsageExportController, PlansController, BillingExportController];

export const billingProviders: Provider[] = [
  {
    provide: IdempotencyRecords,
    inject: [REDIS, APP_CONFIG],
    useFactory: (redis: Redis, config: AppConfig) =>
      new IdempotencyRecords(redis, redisPrefix(config), config.IDEMPOTENCY_LOCK_SECONDS),
  },
  {
    provide: QuotaReservations,
    inject: [REDIS, APP_CONFIG],
    useFactory: (redis: Redis, config: AppConfig) =>
      new QuotaReservations(redis, redisPrefix(config), config.QUOTA_PLAN_CACHE_SECONDS * 1000),
  },
  QuotaGate,
  OpenAdmission,
  { provide: LedgerExport, inject: [DataSource], useFactory: (db: DataSource) => new LedgerExport(db) },
  {
    provide: BillingStatement,
    inject: [DataSource, APP_CONFIG],
    useFactory: (db: DataSource, config: AppConfig) => new BillingStatement(db, config.DEFAULT_USAGE_LIMIT),
  },
  {
    provide: ExportSlots,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) =>
      new ExportSlots(config.EXPORT_CONCURRENCY, config.EXPORT_IDLE_TIMEOUT_SECONDS * 1_000),
  },
];
