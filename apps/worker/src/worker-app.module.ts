import { APP_CONFIG, PlatformModule, QueueHandles, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { PurgeModule, SessionsModule } from '@docsession/sessions';
import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DiscoveryModule } from '@nestjs/core';
import { PurgeSchedule } from './purge-schedule';
import { PurgeProcessor } from './purge.processor';
import { SaveCallbacksModule } from './save-callbacks/save-callbacks.module';
import { SessionExpiryProcessor } from './session-expiry.processor';
import { SessionCloseGraceProcessor, SessionIdleProcessor } from './session-presence.processor';
import { QueueWorkers } from './queue-workers';
import { UsageAlertWebhooksModule } from './usage-alerts/usage-alert-webhooks.module';

/**
 * The worker: BullMQ jobs that act on the session context (expiry, idle and close-grace
 * checks, the purge), save callbacks, and usage-alert webhooks.
 */
@Module({
  imports: [
    PlatformModule.forService({ service: 'worker' }),
    DiscoveryModule,
    SessionsModule,
    PurgeModule,
    SaveCallbacksModule,
    UsageAlertWebhooksModule,
  ],
  providers: [
    QueueWorkers,
    SessionExpiryProcessor,
    SessionIdleProcessor,
    SessionCloseGraceProcessor,
    PurgeProcessor,
    PurgeSchedule,
    {
      // docsession_queue_jobs of the queues this worker serves, counted at every scrape.
      provide: QueueHandles,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => {
        const handles = new QueueHandles(config.WORKER_QUEUES, redis, redisPrefix(config));
        handles.reportDepths();
        return handles;
      },
    },
  ],
})
export class WorkerAppModule {}
