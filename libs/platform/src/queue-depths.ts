import { Logger } from '@nestjs/common';
import { Queue, type JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { reportQueueErrors } from './queue-errors';

/** The job states BullMQ counts (Queue.getJobCounts), each a `state` label value. */
const STATES: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'];

const logger = new Logger('QueueDepths');
const watched = new Set<Queue>();

/**
 * docsession_queue_jobs: jobs per queue and state, as BullMQ itself counts them, read from
 * Redis when /metrics is scraped (one round trip per queue), never on a job's path. A queue
 * that cannot be counted (Redis away) has no series in that scrape rather than stale ones.
 */
export const queueJobs = new Gauge({
  name: 'docsession_queue_jobs',
  help: 'BullMQ jobs by queue and state, counted by BullMQ at scrape time.',
  labelNames: ['queue', 'state'] as const,
  async collect() {
    this.reset();
    await Promise.all(
      [...watched].map(async (queue) => {
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch (err) {
          logger.warn(`Cannot count the jobs of ${queue.name}: ${(err as Error).message}`);
        }
      }),
    );
  },
});

/**
 * Handles on BullMQ queues of this instance for looking at them (counts, the dashboard), not
 * for running their jobs. They share the given connection, which they do not close.
 */
export class QueueHandles {
  readonly queues: Queue[];

  constructor(names: readonly string[], connection: Redis, prefix: string) {
    this.queues = names.map((name) => {
      const queue = new Queue(name, { connection, prefix });
      reportQueueErrors(queue, logger);
      return queue;
    });
  }

  /** Counts these queues' jobs into docsession_queue_jobs at every scrape. */
  reportDepths(): void {
    for (const queue of this.queues) watched.add(queue);
  }

  /** Nest calls it on shutdown, before the shared connection closes (PlatformModule's own hook). */
  async onApplicationShutdown(): Promise<void> {
    for (const queue of this.queues) watched.delete(queue);
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
