import { DomainError, ErrorCode } from '@docsession/contracts';
import type { FastifyReply } from 'fastify';
import { sendError } from '../http/error.filter';
import type { ZohoErrorBody } from '../zoho/zoho-errors';
import type { ZohoProduct } from '../zoho/zoho-products';

/** What the limiter knows after counting a request. */
export interface RateCount {
  max: number;
  remaining: number;
  /** Seconds until the window ends (its budget is whole again). */
  resetSeconds: number;
}

/** The IETF draft's RateLimit-* headers, on every answer of a limited route. */
export function setRateHeaders(reply: FastifyReply, count: RateCount): void {
  reply.header('ratelimit-limit', count.max);
  reply.header('ratelimit-remaining', count.remaining);
  reply.header('ratelimit-reset', count.resetSeconds);
}

/**
 * `429 rate_limited` with Retry-After. A Zoho route keeps the status and header, in Zoho's
 * body: its product's code for an exceeded API limit, the one its applications handle.
 */
export function sendRateLimited(reply: FastifyReply, count: RateCount, zoho: ZohoProduct | null): FastifyReply {
  reply.header('retry-after', count.resetSeconds);
  if (zoho) {
    const body: ZohoErrorBody = { ...zoho.errors.usageExceeded };
    return reply.status(429).header('content-type', 'application/json; charset=utf-8').send(body);
  }
  sendError(
    reply,
    new DomainError(
      ErrorCode.RateLimited,
      `Too many requests: at most ${count.max} at once; retry in ${count.resetSeconds} s.`,
    ),
  );
  return reply;
}
