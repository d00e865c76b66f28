import { PlatformModule } from '@docsession/platform';
import { PurgeModule, SessionsModule } from '@docsession/sessions';
import { Module } from '@nestjs/common';
import { AuditRpcController } from './audit.rpc.controller';
import { PurgeRpcController } from './purge.rpc.controller';
import { SessionCreatedConsumer } from './session-created.consumer';
import { SessionRpcController } from './session.rpc.controller';

/** The session service: owns documents, sessions and their audit trail. */
@Module({
  imports: [PlatformModule.forService({ service: 'session' }), SessionsModule, PurgeModule],
  controllers: [SessionCreatedConsumer, SessionRpcController, AuditRpcController, PurgeRpcController],
})
export class SessionAppModule {}
