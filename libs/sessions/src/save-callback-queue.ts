import { JobQueue, type SaveCallbackJob } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { reportQueueErrors, requestIdField } from '@docsession/platform';

/** Given-up deliveries kept for inspection; a bound, not a history (the audit trail is the history). */
const KEEP_FAILED = 1_000;

/**
 * The BullMQ queue of save callbacks: one job per delivery, job id = delivery id (a UUID, so
 * never a ':'). BullMQ retries a failed attempt with exponential backoff, `attempts` times in
 * all. Completed jobs are removed at once: the row in PostgreSQL is the record, and a stored
 * completed job would block re-adding its id.
 */
export class SaveCallbackQueue {
  private readonly queue: Queue<SaveCallbackJob>;

  /** `connection` is a producer connection: while Redis is down, adding fails at once. */
  constructor(
    connection: Redis,
    prefix: string,
    private readonly backoffMs: number,
  ) {
    this.queue = new Queue<SaveCallbackJob>(JobQueue.SaveCallback, { connection, prefix });
    reportQueueErrors(this.queue, new Logger(SaveCallbackQueue.name));
  }

  /** Adds the delivery's job; a job with that id already stored makes this a no-op. */
  async add(deliveryId: string, attempts: number): Promise<void> {
    await this.queue.add('deliver', { deliveryId, ...requestIdField() }, this.options(deliveryId, attempts));
  }

  /**
   * For a delivery PostgreSQL still calls pending: adds its job again when Redis has none (lost
   * with Redis's data, or never added because Redis was down at save time), or only a finished
   * one (a job that ran out of attempts without recording its end, e.g. stalled by a crash).
   * A waiting, delayed or running job is left alone. Answers whether it added a job.
   */
  async ensure(deliveryId: string, attemptsLeft: number): Promise<boolean> {
    const state = await this.queue.getJobState(deliveryId);
    if (state === 'failed' || state === 'completed') await this.queue.remove(deliveryId);
    else if (state !== 'unknown') return false;
    await this.add(deliveryId, attemptsLeft);
    return true;
  }

  private options(deliveryId: string, attempts: number): JobsOptions {
    return {
      jobId: deliveryId,
      attempts: Math.max(1, attempts),
      backoff: { type: 'exponential', delay: this.backoffMs },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
