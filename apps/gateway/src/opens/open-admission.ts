import { DomainError, ErrorCode } from '@docsession/contracts';
import type { ReserveOutcome } from '@docsession/metering';
import { opensTotal } from '@docsession/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBodyOf } from '../http/error.filter';
import { idempotencyKeyOf } from '../idempotency/idempotency-key';
import { IdempotencyRecords, type KeyClaim, type StoredAnswer } from '../idempotency/idempotency-records';
import { multipartFingerprint } from '../idempotency/multipart-fingerprint';
import { readJsonOpenFingerprint } from './json-open-intake';
import { QuotaGate, type QuotaStep } from '../quota/quota-gate';
import { SessionPresenter, type SessionView } from './session-presenter';

/** What an open is, for its Idempotency-Key. */
export interface OpenRequest {
  tenantId: string;
  /** `open`, or `join:<document id>`. */
  scope: string;
  /** Known up front for a parsed JSON body; null for one read as it streams, whose intake computes it. */
  fingerprint: string | null;
  /** Multipart text parts that carry a credential, left out of the fingerprint (Zoho's `apikey`). */
  credentialParts?: ReadonlySet<string>;
}

// A waiter polls every 50 ms at first, backing off to 800 ms for a long upload.
const POLL_MS = 50;
const MAX_POLL_MS = 800;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What stands before every billable open: its Idempotency-Key, then the usage limit.
 *
 * Idempotency (records in Redis, per tenant and key, 24 h):
 * - the first request with a key takes it and runs; only a 201 is remembered. Any
 *   failure releases the key, since a failed open stored and billed nothing: a retry
 *   after a 503, a 429 or a fixed 400 runs again instead of replaying the failure
 *   (as Stripe does for requests that did not execute);
 * - a later request with the same key and the same request (fingerprint) gets the 201's
 *   body again with `Idempotent-Replayed: true`, and nothing is opened or billed; a
 *   different request gets 409 idempotency_key_reused;
 * - a request whose key is held by one still running waits for its outcome (polling)
 *   for as long as that one runs — a slow upload holds the key until its last byte and
 *   beyond (see IdempotencyRecords) — then replays its answer or, if it failed, takes
 *   the key and runs itself. So requests with one key open one session, however they
 *   overlap; a waiter whose client went away stops waiting;
 * - the answer is kept without `document_url` (a bearer secret) and a replay computes it
 *   again from the session id.
 *
 * The usage limit is checked (and one open reserved) only for a request that runs: a
 * replay costs nothing, even past the limit. The reservation is given back if the open
 * fails, whatever the reason: every failure of the open path happens before the event
 * is published (see SessionOpener).
 */
@Injectable()
export class OpenAdmission {
  private readonly logger = new Logger(OpenAdmission.name);

  constructor(
    private readonly records: IdempotencyRecords,
    private readonly quota: QuotaGate,
    private readonly presenter: SessionPresenter,
  ) {}

  /** Runs `open` as the Idempotency-Key and the usage limit allow; counts the outcome (docsession_opens_total). */
  async admit(
    req: FastifyRequest,
    reply: FastifyReply,
    request: OpenRequest,
    open: () => Promise<SessionView>,
  ): Promise<SessionView> {
    try {
      const view = await this.decide(req, reply, request, open);
      opensTotal.inc({ result: reply.hasHeader('idempotent-replayed') ? 'replayed' : 'created' });
      return view;
    } catch (err) {
      // The code the error filter will answer with (it logs the error, not this).
      opensTotal.inc({ result: errorBodyOf(err, false).code });
      throw err;
    }
  }

  private async decide(
    req: FastifyRequest,
    reply: FastifyReply,
    request: OpenRequest,
    open: () => Promise<SessionView>,
  ): Promise<SessionView> {
    const key = idempotencyKeyOf(req.headers);
    if (key === null) return this.billed(request.tenantId, open);
    const gone = clientGone(reply);
    for (let polls = 0; ; polls++) {
      // The claim runs the quota reservation in its round trip (one Redis call for both).
      const quota = this.quota.step(request.tenantId);
      const state = await this.unavailableOnError(() => this.records.claim(request.tenantId, key, quota));
      if (state.kind === 'claimed') return this.firstRun(state, quota, req, request, open);
      if (state.kind === 'answered') {
        const fingerprint =
          request.fingerprint ??
          (req.jsonBodyStream
            ? await readJsonOpenFingerprint(req.jsonBodyStream, request.scope)
            : await multipartFingerprint(req, request.scope, request.credentialParts));
        return this.replay(state.answer, fingerprint, reply);
      }
      if (gone()) throw new DomainError(ErrorCode.Unavailable, 'The client left while its retry waited.');
      await sleep(Math.min(POLL_MS << Math.min(polls, 4), MAX_POLL_MS));
    }
  }

  private async firstRun(
    claim: KeyClaim,
    quota: QuotaStep,
    req: FastifyRequest,
    request: OpenRequest,
    open: () => Promise<SessionView>,
  ): Promise<SessionView> {
    let view: SessionView;
    try {
      view = await this.billed(request.tenantId, open, { step: quota, outcome: claim.reserved });
    } catch (err) {
      await claim.release().catch(() => undefined);
      throw err;
    }
    const fingerprint = request.fingerprint ?? req.bodyFingerprint;
    try {
      if (!fingerprint) throw new Error('the intake set no fingerprint');
      await claim.complete({ fingerprint, status: 201, body: SessionPresenter.withoutToken(view) });
    } catch (err) {
      // The session exists and is billed: answer it. Only a retry will not be recognised.
      this.logger.warn(`Could not store the answer of an idempotent open: ${(err as Error).message}`);
      await claim.release().catch(() => undefined);
    }
    return view;
  }

  private async billed(
    tenantId: string,
    open: () => Promise<SessionView>,
    first?: { step: QuotaStep; outcome: ReserveOutcome },
  ): Promise<SessionView> {
    const reservation = await this.quota.reserve(tenantId, first);
    try {
      return await open();
    } catch (err) {
      await reservation.release();
      throw err;
    }
  }

  private replay(answer: StoredAnswer, fingerprint: string, reply: FastifyReply): SessionView {
    if (answer.fingerprint !== fingerprint) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was already used with a different request.',
      );
    }
    reply.status(answer.status).header('idempotent-replayed', 'true');
    return this.presenter.withToken(answer.body);
  }

  private async unavailableOnError<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.logger.warn(`Idempotency record unavailable: ${(err as Error).message}`);
      throw new DomainError(
        ErrorCode.Unavailable,
        'Cannot check the Idempotency-Key right now; nothing was stored or billed.',
      );
    }
  }
}

/** Whether the client of `reply` has closed its connection (nothing was sent yet, so a close is a leave). */
function clientGone(reply: FastifyReply): () => boolean {
  let closed = false;
  reply.raw.once('close', () => (closed = true));
  return () => closed;
}
