import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { LocalBlobStore } from '@docsession/storage';
import type { Provider } from '@nestjs/common';

export const BLOB_STORE = Symbol('BLOB_STORE');

export const blobStoreProvider: Provider = {
  provide: BLOB_STORE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new LocalBlobStore(config.DATA_DIR),
};
