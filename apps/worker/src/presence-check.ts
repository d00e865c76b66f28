import { sessionPresenceJobSchema, type JobQueue } from '@docsession/contracts';
import type { AppConfig } from '@docsession/platform';
import type { Logger } from '@nestjs/common';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { startQueueWorker } from './queue-worker';

/** A presence check: null when the job is done, or when (ms since the epoch) to look again. */
export type PresenceCheck = (sessionId: string) => Promise<number | null>;

/**
 * Runs one presence queue. A check that must look again later puts its own job back into the
 * delayed set under the same id (BullMQ's moveToDelayed + DelayedError), so a session never has
 * two of them and a heartbeat never has to touch Redis.
 */
export function presenceWorker(queue: JobQueue, config: AppConfig, check: PresenceCheck, logger: Logger): Worker {
  return startQueueWorker(
    config,
    queue,
    async (job: Job, token?: string) => {
      const { sessionId } = sessionPresenceJobSchema.parse(job.data);
      const lookAgainAt = await check(sessionId);
      if (lookAgainAt === null) return;
      await job.moveToDelayed(lookAgainAt, token);
      throw new DelayedError();
    },
    { concurrency: config.WORKER_CONCURRENCY, logger },
  );
}
