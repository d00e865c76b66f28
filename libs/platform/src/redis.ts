import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from './config';

const logger = new Logger('Redis');
/** One warning a minute at most: while Redis is away a connection reports every retry. */
const WARN_EVERY_MS = 60_000;

/**
 * Redis connections by role. A producer fails fast while Redis is down (the caller
 * answers 503) instead of queueing commands; a BullMQ worker connection retries
 * forever, as BullMQ requires. Either way ioredis reconnects by itself; its errors are
 * reported now and then rather than printed for every retry.
 */
export function createRedis(config: Pick<AppConfig, 'REDIS_URL'>, role: 'producer' | 'worker'): Redis {
  const redis =
    role === 'producer'
      ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  let warnedAt = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    logger.warn(`${role} connection: ${err.message}`);
  });
  return redis;
}
