import { ServerRMQ, type CustomStrategy, type RmqOptions } from '@nestjs/microservices';

/**
 * Nest's RMQ server, minus an exception per message: Nest reads each incoming pattern with
 * `JSON.parse` first, for object patterns, and falls back to the string when that throws —
 * twice per event (once to find the handler, once to run it). Every pattern here is a
 * dotted name (`session.created`), which a name starting with a letter can never be
 * valid JSON for, except the three literals; those keep Nest's path.
 */
class NamedPatternServerRMQ extends ServerRMQ {
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
