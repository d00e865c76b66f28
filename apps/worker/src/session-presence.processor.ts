import { JobQueue } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { SessionPresence } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { presenceWorker } from './presence-check';

/**
 * Runs the two presence checks of opened sessions: the idle check (no heartbeat for
 * IDLE_TIMEOUT_SECONDS closes the session, `idle_timeout`; one still seen looks again
 * later) and the close-grace check CLOSE_GRACE_SECONDS after a page's close beacon (the
 * session closes, `closed_by_user`, unless the page loaded or heartbeated since).
 */
@Injectable()
export class SessionPresenceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionPresenceProcessor.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly presence: SessionPresence,
  ) {}

  onApplicationBootstrap(): void {
    this.workers = [
      presenceWorker(JobQueue.SessionIdle, this.config, (id) => this.presence.checkIdle(id), this.logger),
      presenceWorker(JobQueue.SessionCloseGrace, this.config, (id) => this.presence.checkCloseRequest(id), this.logger),
    ];
  }

  /** Waits for running checks, so a deploy never cuts a close in half. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
