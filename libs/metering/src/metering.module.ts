import { APP_CONFIG, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AlertWebhookQueue } from './alert-webhook-queue';
import { PlanBook } from './plan-book';
import { UsageAlerts } from './usage-alerts';
import { UsageLedger, type DefaultPlan } from './usage-ledger';

const defaultPlanOf = (config: AppConfig): DefaultPlan => ({
  usageLimit: config.DEFAULT_USAGE_LIMIT,
  gracePercent: config.DEFAULT_GRACE_PERCENT,
});

/** The metering context, wired to the platform's connections. */
@Module({
  providers: [
    {
      provide: UsageLedger,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) => new UsageLedger(db, defaultPlanOf(config)),
    },
    {
      provide: PlanBook,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) => new PlanBook(db, defaultPlanOf(config)),
    },
    { provide: UsageAlerts, inject: [DataSource], useFactory: (db: DataSource) => new UsageAlerts(db) },
    {
      provide: AlertWebhookQueue,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) =>
        new AlertWebhookQueue(redis, redisPrefix(config), {
          attempts: config.WEBHOOK_ATTEMPTS,
          backoffMs: config.WEBHOOK_BACKOFF_MS,
        }),
    },
  ],
  exports: [UsageLedger, PlanBook, UsageAlerts, AlertWebhookQueue],
})
export class MeteringModule implements OnApplicationShutdown {
  constructor(@Inject(AlertWebhookQueue) private readonly webhooks: AlertWebhookQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.webhooks.close();
  }
}
