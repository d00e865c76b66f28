import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, register } from 'prom-client';
import { AdminCredential } from './admin-credential';
import { DataSource } from 'typeorm';
import { EventPublisher } from './bus';
import { APP_CONFIG, loadConfig, type AppConfig } from './config';
import { createDataSource } from './database';
import { EventConsumer } from './event-consumer';
import type { ServiceName } from './names';
import { Draining } from './draining';
import { METRICS_ACCESS, ProbesController, READINESS_CHECKS, type ReadinessCheck } from './probes.controller';
import { createRedis } from './redis';

export const REDIS = Symbol('REDIS');

export interface PlatformOptions {
  service: ServiceName;
  /** The operator token `/metrics` asks for (the gateway's, which faces the internet); none: open. */
  operatorToken?: (config: AppConfig) => string;
}

let metricsStarted = false;

/**
 * The connections every service holds — PostgreSQL, Redis, the broker — as global
 * providers, with the probes that report on them and their orderly shutdown.
 */
@Global()
@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    if (!metricsStarted) {
      register.setDefaultLabels({ service: options.service });
      collectDefaultMetrics({ prefix: 'docsession_' });
      metricsStarted = true;
    }
    const providers: Provider[] = [
      { provide: APP_CONFIG, useFactory: loadConfig },
      {
        provide: DataSource,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => createDataSource(config).initialize(),
      },
      { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRedis(config, 'producer') },
      {
        provide: EventPublisher,
        inject: [APP_CONFIG],
        useFactory: async (config: AppConfig) => {
          const publisher = new EventPublisher(config);
          await publisher.connect();
          return publisher;
        },
      },
      {
        provide: EventConsumer,
        inject: [APP_CONFIG, EventPublisher],
        useFactory: (config: AppConfig, publisher: EventPublisher) =>
          new EventConsumer(config, publisher, options.service),
      },
      {
        provide: READINESS_CHECKS,
        inject: [DataSource, REDIS, EventPublisher],
        useFactory: (db: DataSource, redis: Redis, publisher: EventPublisher): ReadinessCheck[] => [
          { name: 'postgres', check: () => db.query('SELECT 1') },
          { name: 'redis', check: () => redis.ping() },
          {
            name: 'rabbitmq',
            check: async () => {
              if (!publisher.isConnected()) throw new Error('not connected');
            },
          },
        ],
      },
      {
        provide: METRICS_ACCESS,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) =>
          options.operatorToken ? new AdminCredential(options.operatorToken(config)) : null,
      },
      Draining,
      PlatformShutdown,
    ];
    return {
      module: PlatformModule,
      controllers: [ProbesController],
      providers,
      exports: [APP_CONFIG, DataSource, REDIS, EventPublisher, EventConsumer, READINESS_CHECKS, Draining],
    };
  }
}

class PlatformShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.publisher.close(), this.db.destroy(), this.redis.quit()]);
  }
}
