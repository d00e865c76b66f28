import { JobQueue, sessionExpiryJobSchema } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { SessionExpiryBatcher, SessionService } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { startQueueWorker } from './queue-worker';

/**
 * Runs the delayed expiry job of each session at its `expires_at`: the session ends
 * (`expired`) and, if it was the document's last open session, the content goes. Jobs
 * due together share transactions (SessionExpiryBatcher), so a burst keeps to the 1 s.
 */
@Injectable()
export class SessionExpiryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryProcessor.name);
  private worker?: Worker;
  private readonly batcher: SessionExpiryBatcher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    sessions: SessionService,
    db: DataSource,
  ) {
    this.batcher = new SessionExpiryBatcher(db, sessions);
  }

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(
      this.config,
      JobQueue.SessionExpiry,
      async (job: Job) => {
        const { sessionId } = sessionExpiryJobSchema.parse(job.data);
        await this.batcher.expire(sessionId);
      },
      {
        concurrency: this.config.EXPIRY_CONCURRENCY,
        logger: this.logger,
      },
    );
  }

  /** Waits for running jobs, so a deploy never cuts an expiry in half. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
