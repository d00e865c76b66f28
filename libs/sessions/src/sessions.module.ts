import { APP_CONFIG, EventPublisher, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, BlobStoreModule, type BlobStore } from '@docsession/storage';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { PendingOpens } from '@docsession/pending-opens';
import { DocumentSaves } from './document-saves';
import { DocumentVersions } from './document-versions';
import { PresenceJobs } from './presence-jobs';
import { PresenceStore } from './presence-store';
import { AuditTrail } from './audit-trail';
import { SaveCallbackQueue } from './save-callback-queue';
import { SaveDeliveries } from './save-deliveries';
import { SessionExpiryQueue } from './session-expiry-queue';
import { SessionPresence } from './session-presence.service';
import { SessionStore } from './session-store';
import { SessionService } from './session.service';
import { WopiStore } from './wopi-store';

/** The session context, wired to the platform's connections, for any app that composes it. */
@Module({
  imports: [BlobStoreModule],
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
      inject: [SessionStore, PendingOpens, BLOB_STORE, EventPublisher, SessionExpiryQueue, DocumentVersions],
      useFactory: (
        store: SessionStore,
        pending: PendingOpens,
        blobs: BlobStore,
        publisher: EventPublisher,
        expiry: SessionExpiryQueue,
        versions: DocumentVersions,
      ) => new SessionService(store, pending, blobs, publisher, expiry, versions),
    },
    {
      provide: AuditTrail,
      inject: [DataSource, SessionService],
      useFactory: (db: DataSource, sessions: SessionService) => new AuditTrail(db, sessions),
    },
    { provide: PresenceStore, inject: [DataSource], useFactory: (db: DataSource) => new PresenceStore(db) },
    {
      provide: PresenceJobs,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => new PresenceJobs(redis, redisPrefix(config)),
    },
    {
      provide: SessionPresence,
      inject: [PresenceStore, SessionService, PresenceJobs, APP_CONFIG],
      useFactory: (store: PresenceStore, sessions: SessionService, jobs: PresenceJobs, config: AppConfig) =>
        new SessionPresence(store, sessions, jobs, {
          idleTimeoutSeconds: config.IDLE_TIMEOUT_SECONDS,
          closeGraceSeconds: config.CLOSE_GRACE_SECONDS,
        }),
    },
    {
      provide: SaveCallbackQueue,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) =>
        new SaveCallbackQueue(redis, redisPrefix(config), config.CALLBACK_BACKOFF_MS),
    },
    {
      provide: DocumentVersions,
      inject: [DataSource, BLOB_STORE, APP_CONFIG],
      useFactory: (db: DataSource, blobs: BlobStore, config: AppConfig) =>
        new DocumentVersions(db, blobs, config.VERSIONS_KEPT),
    },
    {
      provide: DocumentSaves,
      inject: [DataSource, BLOB_STORE, SaveCallbackQueue, DocumentVersions, APP_CONFIG],
      useFactory: (
        db: DataSource,
        blobs: BlobStore,
        callbacks: SaveCallbackQueue,
        versions: DocumentVersions,
        config: AppConfig,
      ) =>
        new DocumentSaves(db, blobs, new SaveDeliveries(db, blobs, callbacks, config.CALLBACK_MAX_PENDING), versions),
    },
    {
      provide: WopiStore,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) => new WopiStore(db, config.WOPI_LOCK_SECONDS),
    },
  ],
  exports: [SessionService, SessionPresence, DocumentSaves, AuditTrail, SaveCallbackQueue, WopiStore],
})
export class SessionsModule implements OnApplicationShutdown {
  constructor(@Inject(SessionExpiryQueue) private readonly expiry: SessionExpiryQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.expiry.close();
  }
}
