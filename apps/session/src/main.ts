import 'reflect-metadata';
import { bootstrapService } from '@docsession/platform';
import { SessionAppModule } from './session-app.module';

void bootstrapService({
  service: 'session',
  module: SessionAppModule,
  port: (config) => config.SESSION_PORT,
  events: true, // session.created from its durable queue
  rpc: true, // the gateway's reads and commands
});
