import 'reflect-metadata';
import { bootstrapService } from '@docsession/platform';
import { GatewayAppModule } from './gateway-app.module';
import { configureGateway, gatewayServerOptions } from './gateway-http';

void bootstrapService({
  service: 'gateway',
  module: GatewayAppModule,
  port: (c) => c.PORT,
  metricsPort: (c) => c.METRICS_PORT,
  fastify: gatewayServerOptions,
  configure: configureGateway,
});
