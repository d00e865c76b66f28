import type { UsageAlertJob } from '@docsession/contracts';
import { AlertWebhookQueue, UsageAlerts } from '@docsession/metering';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/** How often alerts whose webhook job could not be scheduled are tried again. */
const SWEEP_INTERVAL_MS = 30_000;

/**
 * Hands fired usage alerts to the worker (a BullMQ job each, job id = alert id). The
 * alert rows commit with the ledger; scheduling their jobs comes after, so an alert is
 * marked once its job is in Redis, and alerts left unmarked (Redis down, a crash in
 * between) are scheduled again by a sweep at start and every 30 s. Scheduling twice is
 * harmless: the job id makes BullMQ keep one.
 */
@Injectable()
export class AlertWebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertWebhookDispatcher.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly alerts: UsageAlerts,
    private readonly queue: AlertWebhookQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Never throws: what could not be scheduled now, the sweep schedules later. */
  async dispatch(fired: UsageAlertJob[]): Promise<void> {
    if (!fired.length) return;
    try {
      await this.queue.scheduleAll(fired);
      await this.alerts.markScheduled(fired.map((a) => a.alertId));
    } catch (err) {
      this.logger.warn(
        `Could not schedule ${fired.length} usage alert webhook(s), will retry: ${(err as Error).message}`,
      );
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.dispatch(await this.alerts.unscheduled());
    } catch (err) {
      this.logger.warn(`Usage alert sweep failed: ${(err as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }
}
