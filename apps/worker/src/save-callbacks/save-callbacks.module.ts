import { APP_CONFIG, secretFromEnvOrDataDir, type AppConfig } from '@docsession/platform';
import { SaveCallbackRetention, SaveDeliveryStore, SessionsModule } from '@docsession/sessions';
import { BLOB_STORE, BlobStoreModule, type BlobStore } from '@docsession/storage';
import { TenancyService } from '@docsession/tenancy';
import { ALLOW_ALL, PUBLIC_ONLY } from '@docsession/url-import';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SaveCallbackDelivery } from './save-callback-delivery';
import { SaveCallbackRecovery } from './save-callback-recovery';
import { SaveCallbackProcessor } from './save-callback.processor';

/**
 * The worker's part of save callbacks: delivering each save to its session's save_url, with
 * retries, and rescheduling deliveries whose job Redis lost. The deliveries, their copies of the
 * bytes and the audit trail belong to the session context and are reached through its library;
 * the tenant's secret version through the tenancy library.
 */
@Module({
  imports: [SessionsModule, BlobStoreModule],
  providers: [
    { provide: SaveDeliveryStore, inject: [DataSource], useFactory: (db: DataSource) => new SaveDeliveryStore(db) },
    {
      provide: SaveCallbackDelivery,
      inject: [APP_CONFIG, DataSource, SaveDeliveryStore, BLOB_STORE],
      useFactory: (config: AppConfig, db: DataSource, store: SaveDeliveryStore, blobs: BlobStore) =>
        new SaveCallbackDelivery(
          store,
          blobs,
          new TenancyService(db),
          secretFromEnvOrDataDir(config.SECRET_KEY, config.DATA_DIR, 'secret-key'),
          // The test-only switch of URL imports lets e2e tests receive callbacks on loopback.
          config.URL_IMPORT_ALLOW_PRIVATE ? ALLOW_ALL : PUBLIC_ONLY,
          config.CALLBACK_MAX_AGE_SECONDS,
        ),
    },
    {
      provide: SaveCallbackRetention,
      inject: [DataSource],
      useFactory: (db: DataSource) => new SaveCallbackRetention(db),
    },
    SaveCallbackProcessor,
    SaveCallbackRecovery,
  ],
})
export class SaveCallbacksModule {}
