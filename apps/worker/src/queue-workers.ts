import { jobPayloadSchemas, JobQueue } from '@docsession/contracts';
import { APP_CONFIG, createRedis, redisPrefix, reportQueueErrors, type AppConfig } from '@docsession/platform';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { QueueProcessor } from './queue-processor';

/** Jobs of each queue one worker process runs at once. */
function concurrencyOf(queue: JobQueue, config: AppConfig): number {
  switch (queue) {
    // Expiry jobs end their sessions in shared transactions: many at once make big batches, not load.
    case JobQueue.SessionExpiry:
      return config.EXPIRY_CONCURRENCY;
    // One purge at a time (the advisory lock makes it one across workers too).
    case JobQueue.Purge:
      return 1;
    default:
      return config.WORKER_CONCURRENCY;
  }
}

/**
 * Runs a BullMQ worker for every QueueProcessor of the application: each on its own
 * blocking connection, under the instance's key prefix, parsing each job's payload with
 * its queue's schema, logging failed jobs, and reporting Redis outages now and then
 * rather than per retry. On shutdown it waits for running jobs (Worker.close), so a
 * deploy never cuts one in half.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.workers = this.processors().map((p) => this.start(p));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private processors(): QueueProcessor[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is QueueProcessor => instance instanceof QueueProcessor);
  }

  private start(processor: QueueProcessor): Worker {
    const { queue } = processor;
    const schema = jobPayloadSchemas[queue];
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const parsed = schema.safeParse(job.data);
        // A payload that does not parse never will: no point retrying it.
        if (!parsed.success) throw new UnrecoverableError(`Not a ${queue} job: ${z.prettifyError(parsed.error)}`);
        return processor.handle(parsed.data, job, token);
      },
      {
        connection: createRedis(this.config, 'worker'),
        prefix: redisPrefix(this.config),
        concurrency: concurrencyOf(queue, this.config),
      },
    );
    worker.on('failed', (job, err) =>
      this.logger.warn(`${queue} job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
    );
    reportQueueErrors(worker, this.logger);
    return worker;
  }
}
