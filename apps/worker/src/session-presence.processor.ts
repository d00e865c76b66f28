import { JobQueue, type SessionPresenceJob } from '@docsession/contracts';
import { SessionPresence } from '@docsession/sessions';
import { Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { QueueProcessor } from './queue-processor';

type PresenceQueue = typeof JobQueue.SessionIdle | typeof JobQueue.SessionCloseGrace;

/**
 * A presence check of an opened session. One that must look again later puts its own job
 * back into the delayed set under the same id (BullMQ's moveToDelayed + DelayedError), so a
 * session never has two of them and a heartbeat never has to touch Redis.
 */
abstract class PresenceCheckProcessor<Q extends PresenceQueue> extends QueueProcessor<Q> {
  /** Null when the job is done, or when (ms since the epoch) to look again. */
  protected abstract check(sessionId: string): Promise<number | null>;

  async handle({ sessionId }: SessionPresenceJob, job: Job, token?: string): Promise<void> {
    const lookAgainAt = await this.check(sessionId);
    if (lookAgainAt === null) return;
    await job.moveToDelayed(lookAgainAt, token);
    throw new DelayedError();
  }
}

/**
 * The idle check: no heartbeat for IDLE_TIMEOUT_SECONDS closes the session (`idle_timeout`);
 * one still seen looks again later.
 */
@Injectable()
export class SessionIdleProcessor extends PresenceCheckProcessor<typeof JobQueue.SessionIdle> {
  readonly queue = JobQueue.SessionIdle;

  constructor(private readonly presence: SessionPresence) {
    super();
  }

  protected check(sessionId: string): Promise<number | null> {
    return this.presence.checkIdle(sessionId);
  }
}

/**
 * The close-grace check, CLOSE_GRACE_SECONDS after a page's close beacon: the session closes
 * (`closed_by_user`) unless the page loaded or heartbeated since.
 */
@Injectable()
export class SessionCloseGraceProcessor extends PresenceCheckProcessor<typeof JobQueue.SessionCloseGrace> {
  readonly queue = JobQueue.SessionCloseGrace;

  constructor(private readonly presence: SessionPresence) {
    super();
  }

  protected check(sessionId: string): Promise<number | null> {
    return this.presence.checkCloseRequest(sessionId);
  }
}
