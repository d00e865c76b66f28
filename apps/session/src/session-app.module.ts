import { PlatformModule } from '@docsession/platform';
import { SessionsModule } from '@docsession/sessions';
import { Module } from '@nestjs/common';
import { SessionCreatedConsumer } from './session-created.consumer';
import { SessionRpcController } from './session.rpc.controller';

/** The session service: owns documents, sessions and their audit trail. */
@Module({
  imports: [PlatformModule.forService({ service: 'session', entities: [] }), SessionsModule],
  controllers: [SessionCreatedConsumer, SessionRpcController],
})
export class SessionAppModule {}
