import type { JobPayload, JobQueue } from '@docsession/contracts';
import type { Job } from 'bullmq';

/**
 * What a BullMQ queue needs from its owner: the queue's name and one handler of its jobs,
 * given the payload already parsed with the queue's schema (jobPayloadSchemas). Start-up,
 * shutdown, parsing and error reporting are QueueWorkers', the same for every queue.
 *
 * A handler ends a job by returning (its result is the job's return value) or fails it by
 * throwing: BullMQ retries it as the job's options say, unless it is an UnrecoverableError;
 * a DelayedError after job.moveToDelayed puts it back to wait.
 */
export abstract class QueueProcessor<Q extends JobQueue = JobQueue> {
  abstract readonly queue: Q;
  abstract handle(payload: JobPayload<Q>, job: Job, token?: string): Promise<unknown>;
}
