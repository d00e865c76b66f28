import { JobQueue, saveCallbackJobSchema } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { SaveCallbackDelivery } from './save-callback-delivery';
import { startQueueWorker } from '../queue-worker';

/**
 * Runs save-callback jobs, one attempt per run. A failed attempt throws, and BullMQ runs the
 * job again after its exponential backoff (CALLBACK_BACKOFF_MS, doubling), `retries` + 1 times
 * in all (set on the job when the save scheduled it). An ended delivery completes the job; a
 * given-up one fails it for good, kept for inspection. A worker that dies mid-attempt leaves a
 * stalled job that BullMQ runs again: at least once, never lost.
 */
@Injectable()
export class SaveCallbackProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SaveCallbackProcessor.name);
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly delivery: SaveCallbackDelivery,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(this.config, JobQueue.SaveCallback, (job) => this.run(job), {
      concurrency: this.config.WORKER_CONCURRENCY,
      logger: this.logger,
    });
  }

  private async run(job: Job): Promise<string> {
    const parsed = saveCallbackJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Not a save callback job: ${parsed.error.message}`);
    const { deliveryId } = parsed.data;
    const lastChance = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await this.delivery.attempt(deliveryId, lastChance);
    if (result === 'retry') throw new Error(`Save callback ${deliveryId}: the attempt failed (see its audit trail)`);
    if (result === 'gave_up')
      throw new UnrecoverableError(`Save callback ${deliveryId}: given up (see its audit trail)`);
    return result;
  }

  /** Waits for attempts in progress, so a deploy does not cut one in half. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
