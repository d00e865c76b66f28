import { JobQueue, type SessionExpiryJob } from '@docsession/contracts';
import { MicroBatcher } from '@docsession/platform';
import { SessionService } from '@docsession/sessions';
import { Injectable, Logger } from '@nestjs/common';
import { QueueProcessor } from './queue-processor';

/**
 * Runs the delayed expiry job of each session at its `expires_at`: the session ends
 * (`expired`) and, if it was the document's last open session, the content goes. Jobs
 * due together share transactions (group commit), so a burst keeps to the 1 s.
 */
@Injectable()
export class SessionExpiryProcessor extends QueueProcessor<typeof JobQueue.SessionExpiry> {
  readonly queue = JobQueue.SessionExpiry;
  private readonly batcher: MicroBatcher<string>;
  private readonly logger = new Logger(SessionExpiryProcessor.name);

  constructor(sessions: SessionService) {
    super();
    this.batcher = new MicroBatcher((ids) => sessions.expireSessions(ids), {
      name: 'session expiry',
      maxSize: 500,
      // One batch may commit while the next fills up.
      maxRunning: 2,
      // One bad session must not fail the others: each goes again on its own.
      alone: (id) => sessions.expireSession(id),
    });
  }

  /** Resolves once the session is final (expired now, or already ended) and its content is gone. */
  async handle({ sessionId }: SessionExpiryJob): Promise<void> {
    await this.batcher.submit(sessionId);
    this.logger.debug(`session ${sessionId} expired`);
  }
}
