import { JobQueue, type UsageAlertJob } from '@docsession/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Completed deliveries are kept this long: while a job id is stored, adding it again is
 * a no-op, so an alert scheduled twice (its "scheduled" mark was lost) is sent once.
 */
const KEEP_COMPLETED_SECONDS = 7 * 24 * 3600;
const KEEP_FAILED = 1_000;

export interface WebhookRetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** Schedules each fired alert's webhook POST as one BullMQ job whose id is the alert id. */
export class AlertWebhookQueue {
  private readonly queue: Queue<UsageAlertJob>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly retry: WebhookRetryPolicy,
  ) {
    this.queue = new Queue<UsageAlertJob>(JobQueue.UsageAlertWebhook, { connection, prefix });
  }

  async scheduleAll(alerts: UsageAlertJob[]): Promise<void> {
    if (!alerts.length) return;
    await this.queue.addBulk(
      alerts.map((alert) => ({
        name: 'usage-alert',
        data: alert,
        opts: {
          jobId: alert.alertId,
          attempts: this.retry.attempts,
          backoff: { type: 'exponential', delay: this.retry.backoffMs },
          removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
          removeOnFail: KEEP_FAILED,
        },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
