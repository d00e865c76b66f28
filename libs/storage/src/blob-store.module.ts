import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

/** The injection token of the process's one blob store. */
export const BLOB_STORE = Symbol('BLOB_STORE');

export type BlobStoreSettings = Pick<
  AppConfig,
  | 'BLOB_STORE'
  | 'DATA_DIR'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_PREFIX'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
  | 'S3_REQUEST_TIMEOUT_MS'
>;

/** The store the settings name. Also for tests and benchmarks that look at an instance's blobs. */
export function blobStoreFor(config: BlobStoreSettings): LocalBlobStore | S3BlobStore {
  if (config.BLOB_STORE === 'local') return new LocalBlobStore(config.DATA_DIR);
  if (!config.S3_BUCKET) throw new Error('BLOB_STORE=s3 needs S3_BUCKET');
  return new S3BlobStore({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    prefix: config.S3_PREFIX,
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    requestTimeoutMs: config.S3_REQUEST_TIMEOUT_MS,
  });
}

async function openBlobStore(config: AppConfig): Promise<BlobStore> {
  const store = blobStoreFor(config);
  if (store instanceof S3BlobStore) await store.assertReachable();
  return store;
}

/**
 * The blob store, for every context that keeps or reads documents' bytes (uploads, saves and
 * their staged bytes, callback copies, removal, the purge). Nest makes one instance per process
 * however many modules import this one, so they all share one store and one S3 connection pool.
 */
@Module({
  providers: [{ provide: BLOB_STORE, inject: [APP_CONFIG], useFactory: openBlobStore }],
  exports: [BLOB_STORE],
})
export class BlobStoreModule implements OnApplicationShutdown {
  constructor(@Inject(BLOB_STORE) private readonly store: BlobStore) {}

  onApplicationShutdown(): void {
    this.store.close();
  }
}
