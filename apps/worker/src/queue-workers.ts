import { jobPayloadSchemas, JobQueue } from '@docsession/contracts';
import {
  APP_CONFIG,
  ConfigError,
  createRedis,
  redisPrefix,
  reportQueueErrors,
  withRequestId,
  type AppConfig,
} from '@docsession/platform';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { QueueProcessor } from './queue-processor';

/** Jobs of each queue one worker process runs at once. */
export function concurrencyOf(queue: JobQueue, config: AppConfig): number {
  switch (queue) {
    // Expiry jobs end their sessions in shared transactions: many at once make big batches, not load.
    case JobQueue.SessionExpiry:
      return config.EXPIRY_CONCURRENCY;
    // One purge at a time (the advisory lock makes it one across workers too): not a setting.
    case JobQueue.Purge:
      return 1;
    case JobQueue.SessionIdle:
      return config.SESSION_IDLE_CONCURRENCY ?? config.WORKER_CONCURRENCY;
    case JobQueue.SessionCloseGrace:
      return config.SESSION_CLOSE_GRACE_CONCURRENCY ?? config.WORKER_CONCURRENCY;
    case JobQueue.SaveCallback:
      return config.SAVE_CALLBACK_CONCURRENCY ?? config.WORKER_CONCURRENCY;
    case JobQueue.UsageAlertWebhook:
      return config.USAGE_ALERT_WEBHOOK_CONCURRENCY ?? config.WORKER_CONCURRENCY;
  }
}

/**
 * The processor of each queue this worker serves. Each must have exactly one: a queue with
 * none would fill up unnoticed, one with two would run each job's handler at random.
 */
export function processorsToRun(served: readonly JobQueue[], found: readonly QueueProcessor[]): QueueProcessor[] {
  const problems: string[] = [];
  const chosen: QueueProcessor[] = [];
  for (const queue of served) {
    const mine = found.filter((p) => p.queue === queue);
    if (mine.length === 1) chosen.push(mine[0]);
    else if (!mine.length) problems.push(`queue "${queue}" has no processor`);
    else
      problems.push(
        `queue "${queue}" has ${mine.length} processors: ${mine.map((p) => p.constructor.name).join(', ')}`,
      );
  }
  if (problems.length) {
    throw new ConfigError(`The worker cannot serve WORKER_QUEUES:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return chosen;
}

/**
 * Runs a BullMQ worker for each queue in WORKER_QUEUES, with that queue's QueueProcessor:
 * each on its own blocking connection, under the instance's key prefix, parsing each job's
 * payload with its queue's schema, logging failed jobs, and reporting Redis outages now and
 * then rather than per retry. On shutdown, first of all (before any connection closes), it
 * stops taking jobs and waits for the running ones (Worker.close), so a deploy never cuts one
 * in half and no job runs twice.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    const found = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is QueueProcessor => instance instanceof QueueProcessor);
    this.workers = processorsToRun(this.config.WORKER_QUEUES, found).map((p) => this.start(p));
    this.logger.log(`Serving ${this.workers.map((w) => `${w.name} (concurrency ${w.opts.concurrency})`).join(', ')}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
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
        // A job caused by a request (an open's expiry) logs with that request's id.
        const requestId = (parsed.data as { requestId?: string }).requestId;
        return withRequestId(requestId, () => processor.handle(parsed.data, job, token));
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
