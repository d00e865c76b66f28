import { APP_CONFIG, EventPublisher, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { LocalBlobStore } from '@docsession/storage';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { PendingOpens } from '@docsession/pending-opens';
import { SessionExpiryQueue } from './session-expiry-queue';
import { SessionStore } from './session-store';
import { SessionService } from './session.service';

/** The session context, wired to the platform's connections, for any app that composes it. */
@Module({
  providers: [
    { provide: SessionStore, inject: [DataSource], useFactory: (db: DataSource) => new SessionStore(db) },
    {
      provide: PendingOpens,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new PendingOpens(redis, redisPrefix(config)),
    },
    {
      provide: SessionExpiryQueue,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new SessionExpiryQueue(redis, redisPrefix(config)),
    },
    {
      provide: SessionService,
      inject: [SessionStore, PendingOpens, APP_CONFIG, EventPublisher, SessionExpiryQueue],
      useFactory: (
        store: SessionStore,
        pending: PendingOpens,
        config: AppConfig,
        publisher: EventPublisher,
        expiry: SessionExpiryQueue,
      ) => new SessionService(store, pending, new LocalBlobStore(config.DATA_DIR), publisher, expiry),
    },
  ],
  exports: [SessionService],
})
export class SessionsModule implements OnApplicationShutdown {
  constructor(@Inject(SessionExpiryQueue) private readonly expiry: SessionExpiryQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.expiry.close();
  }
}
