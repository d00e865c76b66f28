import { ServerRMQ, type CustomStrategy, type RmqOptions } from '@nestjs/microservices';
import { REQUEST_ID_HEADER, withRequestId } from './request-context';

/**
 * Nest's RMQ server, minus an exception per message: Nest reads each incoming pattern with
 * `JSON.parse` first, for object patterns, and falls back to the string when that throws —
 * twice per event (once to find the handler, once to run it). Every pattern here is a
 * dotted name (`session.created`), which a name starting with a letter can never be
 * valid JSON for, except the three literals; those keep Nest's path.
 * Each message is handled as part of the request that sent it (its x-request-id header), so
 * what an event or an RPC causes logs under that request's id.
 */
class NamedPatternServerRMQ extends ServerRMQ {
  override handleMessage(message: Record<string, any>, channel: any): Promise<void> {
    const requestId = (message?.properties?.headers as Record<string, unknown> | undefined)?.[REQUEST_ID_HEADER];
    return withRequestId(typeof requestId === 'string' ? requestId : undefined, () =>
      super.handleMessage(message, channel),
    );
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
