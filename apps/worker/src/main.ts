import 'reflect-metadata';
import { bootstrapService } from '@docsession/platform';
import { WorkerAppModule } from './worker-app.module';

void bootstrapService({
  service: 'worker',
  module: WorkerAppModule,
  port: (config) => config.WORKER_PORT, // probes and metrics only
});
