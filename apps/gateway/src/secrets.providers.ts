import { APP_CONFIG, secretFromEnvOrDataDir, type AppConfig } from '@docsession/platform';
import type { Provider } from '@nestjs/common';
import { ADMIN_TOKEN } from './auth/admin.guard';

export const SECRET_KEY = Symbol('SECRET_KEY');

/** SECRET_KEY and ADMIN_TOKEN: from the environment, or generated once into DATA_DIR. */
export const secretProviders: Provider[] = [
  {
    provide: SECRET_KEY,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig) => secretFromEnvOrDataDir(c.SECRET_KEY, c.DATA_DIR, 'secret-key'),
  },
  {
    provide: ADMIN_TOKEN,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig) => secretFromEnvOrDataDir(c.ADMIN_TOKEN, c.DATA_DIR, 'admin-token'),
  },
];
