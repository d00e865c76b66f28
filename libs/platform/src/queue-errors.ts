import type { Logger } from '@nestjs/common';
import { Queue, type Worker } from 'bullmq';

/** One warning a minute at most: while Redis is away its connection reports every retry. */
const WARN_EVERY_MS = 60_000;

/**
 * A BullMQ queue or worker emits 'error' on each failed reconnect while Redis is away;
 * unheard, BullMQ prints every one to stderr. Callers see their own failures (and answer
 * 503 or redeliver; a worker resumes by itself), so this only says, now and then, that
 * Redis is away.
 */
export function reportQueueErrors(emitter: Queue | Worker, logger: Logger): void {
  let warnedAt = 0;
  const report = (err: Error) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    logger.warn(`${emitter instanceof Queue ? 'Queue' : 'Worker'} ${emitter.name}: ${err.message}`);
  };
  (emitter as Queue).on('error', report);
}
