import type { JobQueue } from '@docsession/contracts';
import { createRedis, redisPrefix, reportQueueErrors, type AppConfig } from '@docsession/platform';
import type { Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';

/**
 * A BullMQ worker on one of the instance's queues, the way every processor here needs
 * it: its own blocking connection, the instance's key prefix, failed jobs logged, and
 * Redis outages reported now and then rather than per retry.
 */
export function startQueueWorker(
  config: AppConfig,
  queue: JobQueue,
  handle: (job: Job, token?: string) => Promise<unknown>,
  options: { concurrency: number; logger: Logger },
): Worker {
  const worker = new Worker(queue, handle, {
    connection: createRedis(config, 'worker'),
    prefix: redisPrefix(config),
    concurrency: options.concurrency,
  });
  worker.on('failed', (job, err) =>
    options.logger.warn(`${queue} job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
  );
  reportQueueErrors(worker, options.logger);
  return worker;
}
