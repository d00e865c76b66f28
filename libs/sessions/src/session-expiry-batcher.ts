import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { expireSessionsIn } from './bulk-expiry';
import type { SessionService } from './session.service';

interface Waiting {
  sessionId: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Ends the sessions whose expiry jobs are running, many per transaction. Sessions that
 * expire together (a thousand opened in the same second) would otherwise each pay a
 * transaction of their own and queue behind one another; here whatever arrives while
 * a batch commits goes into the next one (group commit), so batches grow with the load
 * and a lone expiry still runs at once. Each job learns the outcome of its own session.
 */
export class SessionExpiryBatcher {
  private readonly logger = new Logger(SessionExpiryBatcher.name);
  private waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly maxBatch = 500,
    /** Batches committing at once: one may run while the next fills up. */
    private readonly maxRunning = 2,
  ) {}

  /** Resolves once the session is final (expired now, or already ended) and its content is gone. */
  expire(sessionId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ sessionId, resolve, reject });
      if (this.running < this.maxRunning) setImmediate(() => void this.runBatch());
    });
  }

  private async runBatch(): Promise<void> {
    if (this.running >= this.maxRunning || !this.waiting.length) return;
    const batch = this.waiting.splice(0, this.maxBatch);
    this.running++;
    try {
      const outcomes = await this.db.transaction((tx) =>
        expireSessionsIn(
          tx,
          batch.map((w) => w.sessionId),
          false,
        ),
      );
      await Promise.all(outcomes.map((o) => this.sessions.afterEnd(o)));
      for (const w of batch) w.resolve();
    } catch (err) {
      // One bad session must not fail the others: each goes again on its own.
      this.logger.warn(`Expiry batch of ${batch.length} failed (${(err as Error).message}); one at a time`);
      for (const w of batch) await this.sessions.expireSession(w.sessionId).then(w.resolve, w.reject);
    } finally {
      this.running--;
      if (this.waiting.length) void this.runBatch();
    }
  }
}
