import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id of whatever runs now — an HTTP request, an event a consumer handles, a job —
 * so that every log line it causes, in every service, carries it (`request_id`), and every
 * event and job it causes takes it along (RequestIdHeader, job data `requestId`).
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Off unless the logs show request ids (LOG_FORMAT=json): in Node 20 an AsyncLocalStorage in
 * use adds a hook to every promise the process creates (about 50–80 ns each, measured), which
 * is worth paying only for log lines that carry the id. The open's event and its expiry job
 * take the id explicitly either way (SessionCreated.requestId).
 */
let enabled = false;

export function enableRequestContext(on: boolean): void {
  enabled = on;
}

/** The header a request id travels in: on HTTP requests and answers, and on broker messages. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** API.md: at most 128 visible ASCII characters. */
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

/** The client's X-Request-Id when it is acceptable, else a new one. */
export function requestIdFrom(presented: unknown): string {
  return typeof presented === 'string' && ACCEPTABLE.test(presented) ? presented : randomUUID();
}

/** Runs `fn` as part of the request `requestId` (none: as it is). */
export function withRequestId<T>(requestId: string | null | undefined, fn: () => T): T {
  return enabled && requestId && ACCEPTABLE.test(requestId) ? context.run({ requestId }, fn) : fn();
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** `{ requestId }` of the current request, for the data of a job it causes; `{}` outside one. */
export function requestIdField(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}
