import { ServerRMQ, type CustomStrategy, type RmqOptions } from '@nestjs/microservices';
import type * as amqp from 'amqplib';
import { REQUEST_ID_HEADER, withRequestId } from './request-context';

/** Time for a delivery in the transport's hands (decoding) to reach its handler. */
const DECODE_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Nest's RMQ server, minus an exception per message: Nest reads each incoming pattern with
 * `JSON.parse` first, for object patterns, and falls back to the string when that throws —
 * twice per event (once to find the handler, once to run it). Every pattern here is a
 * dotted name (`session.created`), which a name starting with a letter can never be
 * valid JSON for, except the three literals; those keep Nest's path.
 * Each message is handled as part of the request that sent it (its x-request-id header), so
 * what an event or an RPC causes logs under that request's id.
 *
 * On shutdown it drains before Nest closes its channel: it cancels its subscriptions (the
 * broker gives the rest of the queue to the other consumers), waits for every message in hand
 * — an event handled and acked after its transaction, an RPC answered — and for the answers to
 * leave the channel. Nest's own close would drop them: an RPC queue is read without acks, so a
 * request delivered but not answered would be lost and its caller would time out.
 */
class NamedPatternServerRMQ extends ServerRMQ {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly subscriptions = new Map<string, amqp.Channel>();

  override handleMessage(message: Record<string, any>, channel: any): Promise<void> {
    const tag = (message?.fields as { consumerTag?: string } | undefined)?.consumerTag;
    if (tag) this.subscriptions.set(tag, channel as amqp.Channel);
    const requestId = (message?.properties?.headers as Record<string, unknown> | undefined)?.[REQUEST_ID_HEADER];
    const handling = withRequestId(typeof requestId === 'string' ? requestId : undefined, () =>
      super.handleMessage(message, channel),
    );
    this.inFlight.add(handling);
    return handling.finally(() => this.inFlight.delete(handling));
  }

  override async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map(([tag, channel]) => channel.cancel(tag)));
    await sleep(DECODE_MS);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    // Answers (and forwarded messages) still queued in the channel wrapper go out first.
    while (this.channel && this.channel.queueLength() > 0) await sleep(10);
    await super.close();
  }

  protected override getRouteFromPattern(pattern: string): string {
    if (/^[a-z]/i.test(pattern) && pattern !== 'true' && pattern !== 'false' && pattern !== 'null') {
      return this.normalizePattern(pattern);
    }
    return super.getRouteFromPattern(pattern);
  }
}

/** The microservice to connect for RMQ server `options`. */
export function rmqServer(options: RmqOptions): CustomStrategy {
  return { strategy: new NamedPatternServerRMQ(options.options ?? {}) };
}
