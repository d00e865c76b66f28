import { sessionPresenceJobSchema, type JobQueue } from '@docsession/contracts';
import { createRedis, redisPrefix, type AppConfig } from '@docsession/platform';
import { Logger } from '@nestjs/common';
import { DelayedError, Worker, type Job } from 'bullmq';

/** A presence check: null when the job is done, or when (ms since the epoch) to look again. */
export type PresenceCheck = (sessionId: string) => Promise<number | null>;

/**
 * Runs one presence queue. A check that must look again later puts its own job back into the
 * delayed set under the same id (BullMQ's moveToDelayed + DelayedError), so a session never has
 * two of them and a heartbeat never has to touch Redis.
 */
export function presenceWorker(queue: JobQueue, config: AppConfig, check: PresenceCheck, logger: Logger): Worker {
  const worker = new Worker(
    queue,
    async (job: Job, token?: string) => {
      const { sessionId } = sessionPresenceJobSchema.parse(job.data);
      const lookAgainAt = await check(sessionId);
      if (lookAgainAt === null) return;
      await job.moveToDelayed(lookAgainAt, token);
      throw new DelayedError();
    },
    {
      connection: createRedis(config, 'worker'),
      prefix: redisPrefix(config),
      concurrency: config.WORKER_CONCURRENCY,
    },
  );
  worker.on('failed', (job, err) => logger.warn(`${queue} check ${job?.id} failed: ${err.message}`));
  return worker;
}
