import { JobQueue } from '@docsession/contracts';
import { APP_CONFIG, REDIS, type AppConfig } from '@docsession/platform';
import { PurgeQueue } from '@docsession/sessions';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * Keeps the purge schedule in Redis. Every worker serving the purge queue registers it at
 * boot — an upsert of one scheduler id, which keeps the next run where it is, so N workers
 * still make one job per interval — and then checks it every PURGE_SCHEDULE_CHECK_SECONDS (at most one interval),
 * and whenever its Redis connection comes back. Redis emptied (FLUSHALL, a restart without
 * persistence) takes the schedule with it; the first check after that recreates it, which
 * runs a purge at once: within one interval, nothing expired survives.
 */
@Injectable()
export class PurgeSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PurgeSchedule.name);
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly onReady = () => void this.check(false);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queue: PurgeQueue,
  ) {}

  private get intervalMs(): number {
    return this.config.PURGE_INTERVAL_SECONDS * 1000;
  }

  onApplicationBootstrap(): void {
    // The workers running purges keep their schedule; others leave it alone.
    if (!this.config.WORKER_QUEUES.includes(JobQueue.Purge)) return;
    void this.check(true); // not awaited: a worker starts (and expires sessions) while Redis is still coming up
    const everyMs = Math.min(this.config.PURGE_SCHEDULE_CHECK_SECONDS, this.config.PURGE_INTERVAL_SECONDS) * 1000;
    this.timer = setInterval(() => void this.check(false), everyMs);
    this.redis.on('ready', this.onReady);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
  }

  /** Never throws: Redis being away is reported, and the next check tries again. */
  private async check(boot: boolean): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const recreated = await this.queue.ensureSchedule(this.intervalMs, boot);
      if (recreated && !boot) this.logger.warn('The purge schedule was missing from Redis (emptied?): recreated it');
      if (boot) this.logger.log(`Purge schedule asserted: every ${this.config.PURGE_INTERVAL_SECONDS} s`);
    } catch (err) {
      this.logger.warn(`Could not check the purge schedule (will retry): ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
