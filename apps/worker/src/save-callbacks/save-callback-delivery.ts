import { DEFAULT_CALLBACK_TIMEOUT_MS } from '@docsession/contracts';
import { callbackCopyKey, type AttemptOutcome, type SaveDelivery, type SaveDeliveryStore } from '@docsession/sessions';
import type { BlobStore } from '@docsession/storage';
import { type TenancyService, webhookSecret } from '@docsession/tenancy';
import type { AddressPolicy } from '@docsession/url-import';
import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { postWebhook, WebhookPostError } from '../webhook-post';
import { InvalidCallbackHeader, saveCallbackRequest } from './save-callback-request';

/**
 * What one attempt came to: `retry` asks the job runner for another attempt (after its
 * backoff); `delivered` and `gave_up` ended the delivery; `ended` found it ended already.
 */
export type AttemptResult = 'delivered' | 'retry' | 'gave_up' | 'ended';

/**
 * One attempt of a save callback (API.md "Save callback"): reads the delivery and its copy of
 * the saved bytes, POSTs them signed to the session's `save_url` — under the address policy of
 * URL imports, checked before sending and at connection time, no redirect followed — and
 * records the attempt in the row and the audit trail. When the delivery ends (a 2xx, or the
 * last attempt failed, or a failure no retry can mend: an address the policy refuses, a header
 * that cannot be sent) its copy is deleted at once, after the end was recorded: a crash in
 * between leaves a copy of an ended delivery, which the purge removes.
 *
 * Deliveries are at least once: a worker that dies after the partner answered but before the
 * outcome was committed leaves the job to BullMQ (stalled, run again), and the partner gets the
 * same request again — same body, same signature, same `X-Docsession-Delivery` — to dedupe by.
 */
export class SaveCallbackDelivery {
  private readonly logger = new Logger(SaveCallbackDelivery.name);

  constructor(
    private readonly store: SaveDeliveryStore,
    private readonly blobs: BlobStore,
    private readonly tenancy: TenancyService,
    private readonly secretKey: string,
    private readonly policy: AddressPolicy,
    /** CALLBACK_MAX_AGE_SECONDS: how long after its document's end a delivery may still be tried. */
    private readonly maxAgeSeconds: number,
  ) {}

  /** `lastChance`: the job runner will not run this delivery again, so a failure is final. */
  async attempt(deliveryId: string, lastChance: boolean): Promise<AttemptResult> {
    const d = await this.store.load(deliveryId);
    if (!d || d.status !== 'pending') {
      if (d) await this.blobs.delete(callbackCopyKey(deliveryId));
      return 'ended';
    }
    const giveUp = (error: string) => this.failed(d, { error }, true);
    if (d.documentPurgedAt && Date.now() - Date.parse(d.documentPurgedAt) > this.maxAgeSeconds * 1000) {
      return giveUp(`Not delivered within ${this.maxAgeSeconds} s of the document's end.`);
    }
    if (!d.callback) return giveUp('The session’s callback can no longer be read.');
    const content = await this.readCopy(deliveryId);
    if (!content) return giveUp('The copy of the saved content is missing.');
    const target = await this.tenancy.webhookTarget(d.tenantId);
    if (!target) return giveUp('The tenant no longer exists.');

    let request;
    try {
      request = saveCallbackRequest(d, content, webhookSecret(this.secretKey, d.tenantId, target.secretVersion));
    } catch (err) {
      if (err instanceof InvalidCallbackHeader) return giveUp(err.message);
      throw err;
    }
    const outOfAttempts = lastChance || d.attempts + 1 >= d.maxAttempts;
    let status: number;
    try {
      status = await postWebhook(d.callback.save_url, request.body, request.headers, {
        timeoutMs: d.callback.timeout_ms ?? DEFAULT_CALLBACK_TIMEOUT_MS,
        policy: this.policy,
      });
    } catch (err) {
      const permanent = err instanceof WebhookPostError && err.permanent;
      return this.failed(d, { error: (err as Error).message }, permanent || outOfAttempts);
    }
    if (status >= 200 && status <= 299) return this.delivered(d, status);
    const error =
      status >= 300 && status <= 399 ? `Answered ${status}; redirects are not followed.` : `Answered ${status}.`;
    return this.failed(d, { httpStatus: status, error }, outOfAttempts);
  }

  private async delivered(d: SaveDelivery, httpStatus: number): Promise<AttemptResult> {
    const attempt = await this.store.recordAttempt(d.deliveryId, { delivered: true, httpStatus });
    await this.blobs.delete(callbackCopyKey(d.deliveryId));
    if (attempt === null) return 'ended';
    this.logger.debug(`Save callback ${d.deliveryId} (version ${d.version}) delivered on attempt ${attempt}`);
    return 'delivered';
  }

  private async failed(
    d: SaveDelivery,
    failure: { httpStatus?: number; error: string },
    final: boolean,
  ): Promise<AttemptResult> {
    const outcome: AttemptOutcome = { delivered: false, final, ...failure };
    const attempt = await this.store.recordAttempt(d.deliveryId, outcome);
    if (attempt === null) {
      await this.blobs.delete(callbackCopyKey(d.deliveryId));
      return 'ended';
    }
    if (!final) return 'retry';
    await this.blobs.delete(callbackCopyKey(d.deliveryId));
    this.logger.warn(`Save callback ${d.deliveryId} given up after attempt ${attempt}: ${failure.error}`);
    return 'gave_up';
  }

  private async readCopy(deliveryId: string): Promise<Buffer | null> {
    const stream: Readable | null = await this.blobs.read(callbackCopyKey(deliveryId));
    if (!stream) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
