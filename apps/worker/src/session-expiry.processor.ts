import { JobQueue, sessionExpiryJobSchema } from '@docsession/contracts';
import { APP_CONFIG, createRedis, redisPrefix, type AppConfig } from '@docsession/platform';
import { SessionService } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';

/**
 * Runs the delayed expiry job of each session at its `expires_at`: the session ends
 * (`expired`) and, if it was the document's last open session, the content goes.
 */
@Injectable()
export class SessionExpiryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryProcessor.name);
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(
      JobQueue.SessionExpiry,
      async (job) => {
        const { sessionId } = sessionExpiryJobSchema.parse(job.data);
        await this.sessions.expireSession(sessionId);
      },
      {
        connection: createRedis(this.config, 'worker'),
        prefix: redisPrefix(this.config),
        concurrency: this.config.WORKER_CONCURRENCY,
      },
    );
    this.worker.on('failed', (job, err) => this.logger.warn(`Expiry of ${job?.id} failed: ${err.message}`));
  }

  /** Waits for running jobs, so a deploy never cuts an expiry in half. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
