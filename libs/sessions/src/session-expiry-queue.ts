import { JobQueue, type SessionExpiryJob } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { reportQueueErrors } from '@docsession/platform';

/** Completed and failed expiry jobs kept for inspection; a bound, not a history. */
const KEEP_FAILED = 1_000;

/**
 * Schedules each session's expiry as one delayed BullMQ job whose id is the session id,
 * so scheduling twice (a redelivered event, a read-through) keeps one job. Completed
 * jobs are removed at once: a stored completed job would block re-adding the id.
 */
export class SessionExpiryQueue {
  private readonly queue: Queue<SessionExpiryJob>;

  /**
   * `connection` is the platform's producer connection (no offline queue): while Redis is
   * down, scheduling fails at once, so the consumer redelivers the open rather than holding
   * it; after a restart the same connection reconnects and BullMQ reloads its scripts.
   */
  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<SessionExpiryJob>(JobQueue.SessionExpiry, { connection, prefix });
    reportQueueErrors(this.queue, new Logger(SessionExpiryQueue.name));
  }

  /** One round trip for all of them. */
  async scheduleAll(sessions: { sessionId: string; expiresAt: string; requestId?: string }[]): Promise<void> {
    const now = Date.now();
    await this.queue.addBulk(
      sessions.map(({ sessionId, expiresAt, requestId }) => ({
        name: 'expire',
        data: { sessionId, ...(requestId && { requestId }) },
        opts: {
          jobId: sessionId,
          delay: Math.max(0, Date.parse(expiresAt) - now),
          attempts: 10,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: KEEP_FAILED,
        },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
