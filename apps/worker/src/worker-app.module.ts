import { PlatformModule } from '@docsession/platform';
import { PurgeModule, SessionsModule } from '@docsession/sessions';
import { Module } from '@nestjs/common';
import { PurgeSchedule } from './purge-schedule';
import { PurgeProcessor } from './purge.processor';
import { SaveCallbacksModule } from './save-callbacks/save-callbacks.module';
import { SessionExpiryProcessor } from './session-expiry.processor';
import { SessionPresenceProcessor } from './session-presence.processor';
import { UsageAlertWebhooksModule } from './usage-alerts/usage-alert-webhooks.module';

/**
 * The worker: BullMQ jobs that act on the session context (expiry, idle and close-grace
 * checks, the purge), save callbacks, and usage-alert webhooks.
 */
@Module({
  imports: [
    PlatformModule.forService({ service: 'worker', entities: [] }),
    SessionsModule,
    PurgeModule,
    SaveCallbacksModule,
    UsageAlertWebhooksModule,
  ],
  providers: [SessionExpiryProcessor, SessionPresenceProcessor, PurgeProcessor, PurgeSchedule],
})
export class WorkerAppModule {}
