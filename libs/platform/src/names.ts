import type { AppConfig } from './config';

export type ServiceName = 'gateway' | 'session' | 'metering' | 'worker';

/**
 * Every broker and Redis name an instance uses, derived from NAMESPACE so that two
 * instances (or a test run beside a running one) never share a queue or a key.
 */
export function busNames(config: Pick<AppConfig, 'NAMESPACE'>) {
  const ns = config.NAMESPACE;
  return {
    eventExchange: `${ns}.events`,
    deadLetterExchange: `${ns}.dead-letter`,
    deadLetterQueue: `${ns}.dead-letter`,
    eventQueue: (service: ServiceName) => `${ns}.${service}.events`,
    rpcQueue: (service: ServiceName) => `${ns}.${service}.rpc`,
  };
}

/** Redis key prefix; the braces keep an instance's keys in one Redis Cluster slot. */
export function redisPrefix(config: Pick<AppConfig, 'NAMESPACE'>): string {
  return `{${config.NAMESPACE}}`;
}
