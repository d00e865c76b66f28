import { PlatformModule } from '@docsession/platform';
import { SessionsModule } from '@docsession/sessions';
import { Module } from '@nestjs/common';
import { SessionExpiryProcessor } from './session-expiry.processor';

/** The worker: BullMQ jobs that act on the session context (expiry). */
@Module({
  imports: [PlatformModule.forService({ service: 'worker', entities: [] }), SessionsModule],
  providers: [SessionExpiryProcessor],
})
export class WorkerAppModule {}
