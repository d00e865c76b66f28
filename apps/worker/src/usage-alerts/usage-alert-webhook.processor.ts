import { JobQueue, usageAlertJobSchema } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { PermanentDeliveryFailure, UsageAlertWebhook } from './usage-alert-webhook';
import { startQueueWorker } from '../queue-worker';

/**
 * Runs the usage-alert webhook jobs; BullMQ retries a failed delivery with exponential
 * backoff (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS, set on each job when it is scheduled).
 */
@Injectable()
export class UsageAlertWebhookProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageAlertWebhookProcessor.name);
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhook: UsageAlertWebhook,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(
      this.config,
      JobQueue.UsageAlertWebhook,
      async (job: Job) => {
        try {
          await this.webhook.handle(usageAlertJobSchema.parse(job.data));
        } catch (err) {
          // A URL the address policy refuses stays refused: no point retrying it.
          if (err instanceof PermanentDeliveryFailure) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        concurrency: this.config.WORKER_CONCURRENCY,
        logger: this.logger,
      },
    );
  }

  /** Waits for running deliveries. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
