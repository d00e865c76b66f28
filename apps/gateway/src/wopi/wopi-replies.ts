import { DomainError, ErrorCode, HTTP_STATUS_OF } from '@docsession/contracts';
import type { FastifyReply } from 'fastify';
import { errorBodyOf } from '../http/error.filter';
import { WopiProofError } from './wopi-proofs';

/**
 * WOPI clients read statuses, not bodies: 401 is "this token gives no access" (unknown, another
 * document's, an ended session's, a view-only one for writes), 404 "no such file", 409 a lock
 * mismatch (with the lock held in X-WOPI-Lock, always present, empty when unlocked) or, with
 * `{"COOLStatusCode": 1010}`, Collabora's "the file changed since you loaded it", 500 a proof
 * that does not verify. Everything else keeps its status from the contract's table.
 */
const WOPI_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 401,
  [ErrorCode.Gone]: 401,
  [ErrorCode.NotFound]: 404,
};

/** An override (or a method on a path) this host does not implement: PUT_RELATIVE, RENAME_FILE, DELETE, … */
export class WopiNotImplemented extends Error {
  constructor(what: string) {
    super(`${what} is not supported`);
    this.name = 'WopiNotImplemented';
  }
}

export function sendWopiError(reply: FastifyReply, err: unknown): void {
  if (reply.sent) return;
  reply.header('cache-control', 'no-store');
  if (err instanceof WopiProofError) return void reply.status(500).send();
  if (err instanceof WopiNotImplemented) return void reply.status(501).send();
  const body = errorBodyOf(err);
  const status = WOPI_STATUS[body.code] ?? HTTP_STATUS_OF[body.code];
  if (body.code === ErrorCode.Conflict) {
    const details = (err instanceof DomainError ? err.details : undefined) as
      { lock?: string; cool_status_code?: number } | undefined;
    reply
      .status(409)
      .header('x-wopi-lock', details?.lock ?? '')
      .header('x-wopi-lockfailurereason', body.message);
    if (details?.cool_status_code) return void reply.send({ COOLStatusCode: details.cool_status_code });
  }
  reply.status(status).header('content-type', 'application/json; charset=utf-8').send({ error: body });
}

/** The session-side answers of a save that lost its access after the WOPI check (the session ended meanwhile). */
export function asWopiAccessError(err: unknown): unknown {
  if (err instanceof DomainError && (err.code === ErrorCode.NotFound || err.code === ErrorCode.Gone)) {
    return new DomainError(ErrorCode.Unauthorized, err.message);
  }
  return err;
}
