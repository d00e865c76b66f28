import { JobQueue, type UsageAlertJob } from '@docsession/contracts';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { PermanentDeliveryFailure, UsageAlertWebhook } from './usage-alert-webhook';
import { QueueProcessor } from '../queue-processor';

/**
 * Runs the usage-alert webhook jobs; BullMQ retries a failed delivery with exponential
 * backoff (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS, set on each job when it is scheduled).
 */
@Injectable()
export class UsageAlertWebhookProcessor extends QueueProcessor<typeof JobQueue.UsageAlertWebhook> {
  readonly queue = JobQueue.UsageAlertWebhook;

  constructor(private readonly webhook: UsageAlertWebhook) {
    super();
  }

  async handle(alert: UsageAlertJob): Promise<void> {
    try {
      await this.webhook.handle(alert);
    } catch (err) {
      // A URL the address policy refuses stays refused: no point retrying it.
      if (err instanceof PermanentDeliveryFailure) throw new UnrecoverableError(err.message);
      throw err;
    }
  }
}
