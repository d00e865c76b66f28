import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsageLedger } from './usage-ledger';

/** The metering context, wired to the platform's connections. */
@Module({
  providers: [
    {
      provide: UsageLedger,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) =>
        new UsageLedger(db, { usageLimit: config.DEFAULT_USAGE_LIMIT, gracePercent: config.DEFAULT_GRACE_PERCENT }),
    },
  ],
  exports: [UsageLedger],
})
export class MeteringModule {}
