import { PendingOpens } from '@docsession/pending-opens';
import { APP_CONFIG, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, BlobStoreModule, type BlobStore } from '@docsession/storage';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SessionPurge } from './purge';
import { PurgeQueue } from './purge-queue';
import { PurgeRuns } from './purge-runs';
import { PurgeStore } from './purge-store';
import { SessionService } from './session.service';
import { SessionsModule } from './sessions.module';

/** Rows per purge transaction: big enough to be quick, small enough to hold few locks at once. */
const PURGE_BATCH_SIZE = 500;

/**
 * The purge, for the apps that compose it: the worker runs it (scheduled and manual jobs),
 * the session service enqueues manual runs and reports the record of runs.
 */
@Module({
  imports: [SessionsModule, BlobStoreModule],
  providers: [
    { provide: PurgeRuns, inject: [DataSource], useFactory: (db: DataSource) => new PurgeRuns(db) },
    {
      provide: PurgeQueue,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new PurgeQueue(redis, redisPrefix(config)),
    },
    {
      provide: SessionPurge,
      inject: [DataSource, PurgeRuns, SessionService, BLOB_STORE, REDIS, APP_CONFIG],
      useFactory: (
        db: DataSource,
        runs: PurgeRuns,
        sessions: SessionService,
        blobs: BlobStore,
        redis: Redis,
        config: AppConfig,
      ) =>
        new SessionPurge(new PurgeStore(db), runs, sessions, blobs, new PendingOpens(redis, redisPrefix(config)), {
          databaseUrl: config.DATABASE_URL,
          orphanBlobGraceSeconds: config.ORPHAN_BLOB_GRACE_SECONDS,
          auditRetentionDays: config.AUDIT_RETENTION_DAYS,
          batchSize: PURGE_BATCH_SIZE,
        }),
    },
  ],
  exports: [PurgeQueue, PurgeRuns, SessionPurge],
})
export class PurgeModule implements OnApplicationShutdown {
  constructor(@Inject(PurgeQueue) private readonly queue: PurgeQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
