import { JobQueue } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { SessionPresence } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { presenceWorker } from './presence-check';

/**
 * Runs each opened session's idle check: a session whose page sent no heartbeat for
 * IDLE_TIMEOUT_SECONDS closes (`idle_timeout`); one still seen looks again later.
 */
@Injectable()
export class SessionIdleProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly presence: SessionPresence,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = presenceWorker(
      JobQueue.SessionIdle,
      this.config,
      (sessionId) => this.presence.checkIdle(sessionId),
      new Logger(SessionIdleProcessor.name),
    );
  }

  /** Waits for running checks, so a deploy never cuts a close in half. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
