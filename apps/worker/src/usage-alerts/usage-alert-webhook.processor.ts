import { JobQueue, usageAlertJobSchema } from '@docsession/contracts';
import { APP_CONFIG, createRedis, redisPrefix, type AppConfig } from '@docsession/platform';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker } from 'bullmq';
import { PermanentDeliveryFailure, UsageAlertWebhook } from './usage-alert-webhook';

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
    this.worker = new Worker(
      JobQueue.UsageAlertWebhook,
      async (job) => {
        try {
          await this.webhook.handle(usageAlertJobSchema.parse(job.data));
        } catch (err) {
          // A URL the address policy refuses stays refused: no point retrying it.
          if (err instanceof PermanentDeliveryFailure) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection: createRedis(this.config, 'worker'),
        prefix: redisPrefix(this.config),
        concurrency: this.config.WORKER_CONCURRENCY,
      },
    );
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`Usage alert webhook ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
    );
  }

  /** Waits for running deliveries. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
