import { Redis } from 'ioredis';
import type { AppConfig } from './config';

/**
 * Redis connections by role. A producer fails fast while Redis is down (the caller
 * answers 503) instead of queueing commands; a BullMQ worker connection retries
 * forever, as BullMQ requires.
 */
export function createRedis(config: Pick<AppConfig, 'REDIS_URL'>, role: 'producer' | 'worker'): Redis {
  return role === 'producer'
    ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
}
