import { MeteringModule, UsageAlerts } from '@docsession/metering';
import { APP_CONFIG, secretFromEnvOrDataDir, type AppConfig } from '@docsession/platform';
import { TenancyService } from '@docsession/tenancy';
import { ALLOW_ALL, PUBLIC_ONLY } from '@docsession/url-import';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsageAlertWebhook } from './usage-alert-webhook';
import { UsageAlertWebhookProcessor } from './usage-alert-webhook.processor';

/**
 * The worker's part of usage alerts: signed webhook deliveries with retries. It reads
 * the tenant's webhook URL through the tenancy library and records deliveries through
 * the metering library, the owners of those tables.
 */
@Module({
  imports: [MeteringModule],
  providers: [
    {
      provide: UsageAlertWebhook,
      inject: [APP_CONFIG, DataSource, UsageAlerts],
      useFactory: (config: AppConfig, db: DataSource, alerts: UsageAlerts) =>
        new UsageAlertWebhook(
          new TenancyService(db),
          alerts,
          secretFromEnvOrDataDir(config.SECRET_KEY, config.DATA_DIR, 'secret-key'),
          {
            timeoutMs: config.WEBHOOK_TIMEOUT_MS,
            // The test-only switch of URL imports lets e2e tests receive webhooks on loopback.
            policy: config.URL_IMPORT_ALLOW_PRIVATE ? ALLOW_ALL : PUBLIC_ONLY,
          },
        ),
    },
    UsageAlertWebhookProcessor,
  ],
})
export class UsageAlertWebhooksModule {}
