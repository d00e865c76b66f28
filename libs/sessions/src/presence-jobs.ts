import { JobQueue, type SessionPresenceJob } from '@docsession/contracts';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { requestIdField } from '@docsession/platform';

/** Failed checks kept for inspection; a bound, not a history. */
const KEEP_FAILED = 1_000;

const OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  // A stored completed job would block re-adding its id.
  removeOnComplete: true,
  removeOnFail: KEEP_FAILED,
};

/** BullMQ job ids may not contain ':'. */
export const idleJobId = (sessionId: string) => `idle-${sessionId}`;
export const closeGraceJobId = (sessionId: string, requestedAtMs: number) => `close-${sessionId}-${requestedAtMs}`;

/**
 * Schedules the presence checks of open session pages. Heartbeats never touch Redis: the one
 * idle job of a session is added by its first heartbeat and, when due, looks at `last_seen_at` in
 * PostgreSQL and delays itself again if the page was seen since (see SessionPresence).
 */
export class PresenceJobs {
  private readonly idle: Queue<SessionPresenceJob>;
  private readonly closeGrace: Queue<SessionPresenceJob>;

  constructor(connection: Redis, prefix: string) {
    this.idle = new Queue<SessionPresenceJob>(JobQueue.SessionIdle, { connection, prefix });
    this.closeGrace = new Queue<SessionPresenceJob>(JobQueue.SessionCloseGrace, { connection, prefix });
  }

  /**
   * Adds the session's idle check unless it exists: two first heartbeats at once cost one round
   * trip each and never make a second job.
   */
  async armIdle(sessionId: string, delayMs: number): Promise<void> {
    await this.idle.add(
      'idle',
      { sessionId, ...requestIdField() },
      { ...OPTIONS, jobId: idleJobId(sessionId), delay: Math.max(0, delayMs) },
    );
  }

  /**
   * One check per close request (the request time is in the id): a close beacon that comes
   * while an earlier check is running still gets a check of its own.
   */
  async armCloseGrace(sessionId: string, requestedAtMs: number, delayMs: number): Promise<void> {
    await this.closeGrace.add(
      'close-grace',
      { sessionId, ...requestIdField() },
      { ...OPTIONS, jobId: closeGraceJobId(sessionId, requestedAtMs), delay: Math.max(0, delayMs) },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.idle.close(), this.closeGrace.close()]);
  }
}
