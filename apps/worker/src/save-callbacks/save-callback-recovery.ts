import { JobQueue } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { callbackCopyKey, SaveCallbackQueue, SaveCallbackRetention, SaveDeliveryStore } from '@docsession/sessions';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/** Pending deliveries looked at per query. */
const BATCH = 500;

/**
 * PostgreSQL, not Redis, says which saves still await delivery. Every CALLBACK_RECOVERY_SECONDS
 * each worker walks the pending deliveries older than that and gives any without a live job
 * (Redis emptied, Redis down when the save committed, a job that stalled out of attempts) a
 * job again, with the attempts it has left. Adding a job id that exists is a no-op, so several
 * workers doing this at once still make one job per delivery. Without it a lost job would keep
 * its copy of the saved bytes for ever: the purge leaves the copies of pending deliveries alone.
 */
@Injectable()
export class SaveCallbackRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SaveCallbackRecovery.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: SaveDeliveryStore,
    private readonly queue: SaveCallbackQueue,
    private readonly retention: SaveCallbackRetention,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  onApplicationBootstrap(): void {
    // The workers delivering save callbacks look after their jobs; others leave them alone.
    if (!this.config.WORKER_QUEUES.includes(JobQueue.SaveCallback)) return;
    this.timer = setInterval(() => void this.check(), this.config.CALLBACK_RECOVERY_SECONDS * 1000);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** CALLBACK_MAX_AGE_SECONDS and the callback headers' lifetime (see SaveCallbackRetention). */
  private async enforceRetention(): Promise<void> {
    const outlived = await this.retention.giveUpOutlived(this.config.CALLBACK_MAX_AGE_SECONDS);
    // A copy not removed here goes with the purge: its delivery has ended.
    await Promise.allSettled(outlived.map((id) => this.blobs.remove(callbackCopyKey(id))));
    if (outlived.length) {
      this.logger.warn(`Gave up ${outlived.length} save callback(s) older than CALLBACK_MAX_AGE_SECONDS`);
    }
    await this.retention.forgetUnneededHeaders();
  }

  /** Never throws: a failure is reported and the next check tries again. Answers how many it rescheduled. */
  async check(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let rescheduled = 0;
    try {
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const pending = await this.store.pendingOlderThan(this.config.CALLBACK_RECOVERY_SECONDS, BATCH, after);
        for (const p of pending) {
          if (await this.queue.ensure(p.deliveryId, p.attemptsLeft)) rescheduled++;
        }
        if (pending.length < BATCH) break;
        const last = pending[pending.length - 1]!;
        after = { createdAt: last.createdAt, id: last.deliveryId };
      }
      if (rescheduled) this.logger.warn(`Rescheduled ${rescheduled} save callback(s) whose job was missing`);
      await this.enforceRetention();
    } catch (err) {
      this.logger.warn(`Could not check pending save callbacks (will retry): ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
    return rescheduled;
  }
}
