import { JobQueue, purgeJobSchema } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { SessionPurge } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { startQueueWorker } from './queue-worker';

/**
 * Runs purge jobs, scheduled and manual, one at a time in this process; SessionPurge's
 * advisory lock makes it one at a time across every worker.
 */
@Injectable()
export class PurgeProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PurgeProcessor.name);
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly purge: SessionPurge,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(
      this.config,
      JobQueue.Purge,
      async (job: Job) => {
        const data = purgeJobSchema.parse(job.data);
        // A scheduled job's data is the scheduler's template: each run gets an id of its own.
        const runId = data.trigger === 'manual' ? data.runId : randomUUID();
        const counts = await this.purge.run(runId, data.trigger);
        return counts ? { runId, ...counts } : { runId, skipped: true };
      },
      {
        concurrency: 1,
        logger: this.logger,
      },
    );
  }

  /** Waits for a run in progress: a deploy never cuts a batch in half (each is one transaction anyway). */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
