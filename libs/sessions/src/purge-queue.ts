import { JobQueue, JobSchedulerId, type PurgeJob } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { reportQueueErrors } from '@docsession/platform';

/** Finished purge jobs kept for inspection; a bound, not a history (purge_runs is the history). */
const KEEP = 100;
const JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP };

/**
 * The purge's BullMQ queue: manual runs (job id = run id) and the schedule, a Job Scheduler
 * with a fixed id. Upserting the same scheduler again keeps its next run where it is, so
 * every worker may assert it; when it is missing (new, or lost with Redis's data) the
 * upsert creates it and, with `every`, runs the first purge at once — what a lost schedule
 * needs, since Redis lost the expiry jobs with it.
 */
export class PurgeQueue {
  private readonly logger = new Logger(PurgeQueue.name);
  private readonly queue: Queue<PurgeJob>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<PurgeJob>(JobQueue.Purge, { connection, prefix });
    reportQueueErrors(this.queue, this.logger);
  }

  async enqueueManual(runId: string): Promise<void> {
    await this.queue.add('purge', { trigger: 'manual', runId }, { ...JOB_OPTIONS, jobId: runId });
  }

  /**
   * Makes sure the schedule exists with its next job. `force` upserts regardless (at boot:
   * applies a changed interval). Answers whether the schedule was missing.
   */
  async ensureSchedule(intervalMs: number, force: boolean): Promise<boolean> {
    const intact = await this.scheduleIntact();
    if (intact && !force) return false;
    await this.queue.upsertJobScheduler(
      JobSchedulerId.Purge,
      { every: intervalMs },
      { name: 'purge', data: { trigger: 'schedule' }, opts: JOB_OPTIONS },
    );
    if (!intact) this.logger.log(`Purge schedule (re)created: every ${intervalMs / 1000} s, first run now`);
    return !intact;
  }

  /** The scheduler exists and so does the job it will run next. */
  async scheduleIntact(): Promise<boolean> {
    const scheduler = await this.queue.getJobScheduler(JobSchedulerId.Purge);
    if (!scheduler?.next) return false;
    const state = await this.queue.getJobState(`repeat:${JobSchedulerId.Purge}:${scheduler.next}`);
    return state !== 'unknown';
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
