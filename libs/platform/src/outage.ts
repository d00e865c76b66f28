import { DomainError, ErrorCode } from '@docsession/contracts';

/**
 * SQLSTATE classes and codes that say PostgreSQL (or the way to it) failed, not the
 * statement: connection exception (08), insufficient resources (53), shutdown and
 * "cannot connect now" (57P), system error (58), and the serialization failures and
 * deadlocks that succeed when run again (40001, 40P01). A statement timeout (57014) is
 * not here: a message that always runs too long is the message's problem.
 */
const OUTAGE_SQLSTATE = /^(08|53|57P|58|40001$|40P01$)/;

/** Socket errors: the dependency is not reachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Failures that the pg and ioredis clients report without a code. */
const OUTAGE_MESSAGES = [
  /^Connection terminated/, // pg: the server went away
  /^timeout exceeded when trying to connect/, // pg-pool: no connection in time
  /^Stream isn't writeable/, // ioredis without offline queue: Redis is away
  /^Connection is closed/, // ioredis
];

/**
 * Whether an error says one of the service's dependencies is unavailable, rather than
 * that the work itself failed. Such a failure is retried without counting against the
 * work: an outage must not turn every event in flight into a dead letter.
 */
export function isOutage(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof DomainError) return e.code === ErrorCode.Unavailable;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (OUTAGE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    const message = e.message;
    if (OUTAGE_MESSAGES.some((m) => m.test(message))) return true;
    e = e.cause;
  }
  return false;
}
