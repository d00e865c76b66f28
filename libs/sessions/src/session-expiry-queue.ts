import { JobQueue, type SessionExpiryJob } from '@docsession/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Completed and failed expiry jobs kept for inspection; a bound, not a history. */
const KEEP_FAILED = 1_000;

/**
 * Schedules each session's expiry as one delayed BullMQ job whose id is the session id,
 * so scheduling twice (a redelivered event, a read-through) keeps one job. Completed
 * jobs are removed at once: a stored completed job would block re-adding the id.
 */
export class SessionExpiryQueue {
  private readonly queue: Queue<SessionExpiryJob>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<SessionExpiryJob>(JobQueue.SessionExpiry, { connection, prefix });
  }

  async schedule(sessionId: string, expiresAt: string): Promise<void> {
    const delay = Math.max(0, Date.parse(expiresAt) - Date.now());
    await this.queue.add(
      'expire',
      { sessionId },
      {
        jobId: sessionId,
        delay,
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: KEEP_FAILED,
      },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
