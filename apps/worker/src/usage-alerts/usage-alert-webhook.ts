import type { UsageAlertJob } from '@docsession/contracts';
import { UsageAlerts } from '@docsession/metering';
import { SIGNATURE_HEADER, signatureOf, TenancyService, webhookSecret } from '@docsession/tenancy';
import { Logger } from '@nestjs/common';
import { postWebhook, WebhookPostError, type WebhookPostOptions } from '../webhook-post';

/** The JSON a tenant's webhook receives; `alert_id` is stable across retries, for deduplication. */
export function usageAlertBody(alert: UsageAlertJob): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'usage.alert',
      alert_id: alert.alertId,
      tenant_id: alert.tenantId,
      threshold_percent: alert.thresholdPercent,
      period_start: alert.periodStart,
      fired_at: alert.firedAt,
      usage_at_fire: alert.usageAtFire,
    }),
  );
}

/** What the job runner is told: retry later, or stop trying. */
export class RetryableDeliveryFailure extends Error {}
export class PermanentDeliveryFailure extends Error {}

/**
 * Delivers one usage alert to the tenant's webhook_url, signed with the tenant's
 * webhook secret. The URL is read at delivery time, so a tenant that sets it late
 * still gets later retries; a tenant without one gets nothing (the alert stays listed
 * by GET /v1/usage/alerts). A 2xx answer is success; anything else is retried.
 */
export class UsageAlertWebhook {
  private readonly logger = new Logger(UsageAlertWebhook.name);

  constructor(
    private readonly tenancy: TenancyService,
    private readonly alerts: UsageAlerts,
    private readonly secretKey: string,
    private readonly post: WebhookPostOptions,
  ) {}

  async handle(alert: UsageAlertJob): Promise<void> {
    const target = await this.tenancy.webhookTarget(alert.tenantId);
    if (!target?.webhookUrl) return;
    const body = usageAlertBody(alert);
    const secret = webhookSecret(this.secretKey, alert.tenantId, target.secretVersion);
    let status: number;
    try {
      status = await postWebhook(
        target.webhookUrl,
        body,
        {
          'Content-Type': 'application/json',
          [SIGNATURE_HEADER]: signatureOf(secret, body),
          'X-Docsession-Event': 'usage.alert',
          'X-Docsession-Delivery': alert.alertId,
        },
        this.post,
      );
    } catch (err) {
      const message = `Usage alert ${alert.alertId}: ${(err as Error).message}`;
      if (err instanceof WebhookPostError && err.permanent) throw new PermanentDeliveryFailure(message);
      throw new RetryableDeliveryFailure(message);
    }
    if (status < 200 || status > 299) {
      throw new RetryableDeliveryFailure(`Usage alert ${alert.alertId}: the webhook answered ${status}`);
    }
    await this.alerts.markDelivered(alert.alertId);
    this.logger.debug(`Delivered usage alert ${alert.alertId} (${alert.thresholdPercent} %)`);
  }
}
