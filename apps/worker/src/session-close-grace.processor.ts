import { JobQueue } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { SessionPresence } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { presenceWorker } from './presence-check';

/**
 * Runs the check CLOSE_GRACE_SECONDS after a page's close beacon: the session closes
 * (`closed_by_user`) unless the page loaded or heartbeated since (a reload).
 */
@Injectable()
export class SessionCloseGraceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly presence: SessionPresence,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = presenceWorker(
      JobQueue.SessionCloseGrace,
      this.config,
      (sessionId) => this.presence.checkCloseRequest(sessionId),
      new Logger(SessionCloseGraceProcessor.name),
    );
  }

  /** Waits for running checks, so a deploy never cuts a close in half. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
