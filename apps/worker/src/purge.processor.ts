import { JobQueue, type PurgeJob } from '@docsession/contracts';
import { SessionPurge } from '@docsession/sessions';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueueProcessor } from './queue-processor';

/**
 * Runs purge jobs, scheduled and manual, one at a time in this process; SessionPurge's
 * advisory lock makes it one at a time across every worker. A deploy waits for a run in
 * progress (and each batch is one transaction anyway).
 */
@Injectable()
export class PurgeProcessor extends QueueProcessor<typeof JobQueue.Purge> {
  readonly queue = JobQueue.Purge;

  constructor(private readonly purge: SessionPurge) {
    super();
  }

  async handle(data: PurgeJob): Promise<unknown> {
    // A scheduled job's data is the scheduler's template: each run gets an id of its own.
    const runId = data.trigger === 'manual' ? data.runId : randomUUID();
    const counts = await this.purge.run(runId, data.trigger);
    return counts ? { runId, ...counts } : { runId, skipped: true };
  }
}
