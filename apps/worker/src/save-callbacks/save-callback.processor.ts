import { JobQueue, type SaveCallbackJob } from '@docsession/contracts';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { SaveCallbackDelivery } from './save-callback-delivery';
import { QueueProcessor } from '../queue-processor';

/**
 * Runs save-callback jobs, one attempt per run. A failed attempt throws, and BullMQ runs the
 * job again after its exponential backoff (CALLBACK_BACKOFF_MS, doubling), `retries` + 1 times
 * in all (set on the job when the save scheduled it). An ended delivery completes the job; a
 * given-up one fails it for good, kept for inspection. A worker that dies mid-attempt leaves a
 * stalled job that BullMQ runs again: at least once, never lost.
 */
@Injectable()
export class SaveCallbackProcessor extends QueueProcessor<typeof JobQueue.SaveCallback> {
  readonly queue = JobQueue.SaveCallback;

  constructor(private readonly delivery: SaveCallbackDelivery) {
    super();
  }

  async handle({ deliveryId }: SaveCallbackJob, job: Job): Promise<string> {
    const lastChance = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await this.delivery.attempt(deliveryId, lastChance);
    if (result === 'retry') throw new Error(`Save callback ${deliveryId}: the attempt failed (see its audit trail)`);
    if (result === 'gave_up')
      throw new UnrecoverableError(`Save callback ${deliveryId}: given up (see its audit trail)`);
    return result;
  }
}
