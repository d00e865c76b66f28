import 'reflect-metadata';
import { bootstrapService } from '@docsession/platform';
import { MeteringAppModule } from './metering-app.module';

void bootstrapService({
  service: 'metering',
  module: MeteringAppModule,
  port: (config) => config.METERING_PORT,
  events: true, // session.created from its durable queue: one billable call each
  rpc: true, // usage reports and plan changes for the gateway
});
