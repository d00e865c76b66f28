import {
  DomainError,
  ErrorCode,
  EventName,
  sessionCreatedSchema,
  SessionRpc,
  type SessionCreated,
} from '@docsession/contracts';
import { PendingOpens } from '@docsession/pending-opens';
import { APP_CONFIG, EventPublisher, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { DocumentIntake, type IntakeResult } from './document-intake';
import { assertTtlWithin, DEFAULT_MODE, sessionOptionsSchema, type SessionOptions } from './open-options';
import { SessionPresenter, type SessionView } from './session-presenter';
import { SessionTokens } from './session-tokens';

/** What an intake answers when the request names a document that is live already. */
export interface JoinInstead {
  join: { documentId: string; options: SessionOptions };
}

/**
 * The open path: every call here that returns is one billable call. The 201 is sent
 * only after the broker confirmed `session.created`, so every answered open reaches
 * the session and metering services; any failure before that removes what was stored.
 */
@Injectable()
export class SessionOpener {
  private readonly logger = new Logger(SessionOpener.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: DocumentIntake,
    private readonly publisher: EventPublisher,
    private readonly pending: PendingOpens,
    private readonly presenter: SessionPresenter,
    private readonly tokens: SessionTokens,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
  ) {}

  /** `POST /v1/documents`: stores the content and opens its first session. */
  openDocument(tenantId: string, req: FastifyRequest): Promise<SessionView> {
    return this.openWith(tenantId, (documentId) => this.intake.take(req, documentId), req.id);
  }

  /**
   * Opens the first session of a new document whose content `take` stores under the id it
   * is given, or, when `take` finds the document the request names live already, another
   * session on that one (co-editing by the caller's own id of it). `requestId` (the HTTP
   * request's X-Request-Id) goes with the event, and from it to the session's expiry job.
   */
  async openWith(
    tenantId: string,
    take: (documentId: string) => Promise<IntakeResult | JoinInstead>,
    requestId?: string,
  ): Promise<SessionView> {
    const documentId = randomUUID();
    const taken = await take(documentId);
    if ('join' in taken) return this.joinDocument(tenantId, taken.join.documentId, taken.join.options, requestId);
    const { options, blob, name, contentType } = taken;
    const event = this.sessionCreated(tenantId, 'open', requestId, options, {
      documentId,
      name,
      externalId: options.document?.external_id ?? null,
      contentType,
      sizeBytes: blob.sizeBytes,
      sha256: blob.sha256,
      metadata: options.metadata ?? null,
    });
    await this.announce(event, () => this.blobs.delete(documentId));
    return this.presenter.presentCreated(event);
  }

  /** `POST /v1/documents/{id}/sessions`: another session on a live document. */
  async joinDocument(tenantId: string, documentId: string, body: unknown, requestId?: string): Promise<SessionView> {
    const options = sessionOptionsSchema.parse(body ?? {});
    assertTtlWithin(options, this.config.SESSION_TTL_MAX_SECONDS);
    const doc = await this.sessions.call(SessionRpc.GetDocument, { tenantId, documentId });
    if (doc.status !== 'live') {
      throw new DomainError(ErrorCode.Gone, 'The document content was removed when its last session ended.');
    }
    const event = this.sessionCreated(tenantId, 'join', requestId, options, {
      documentId,
      name: doc.name,
      externalId: doc.externalId,
      contentType: doc.contentType,
      sizeBytes: doc.sizeBytes,
      sha256: doc.sha256,
      metadata: null,
    });
    await this.announce(event);
    return this.presenter.presentCreated(event, doc.host);
  }

  private sessionCreated(
    tenantId: string,
    kind: SessionCreated['kind'],
    requestId: string | undefined,
    options: SessionOptions,
    document: SessionCreated['document'],
  ): SessionCreated {
    const sessionId = randomUUID();
    const now = Date.now();
    const ttlSeconds = options.ttl_seconds ?? this.config.SESSION_TTL_SECONDS;
    return {
      eventId: sessionId,
      occurredAt: new Date(now).toISOString(),
      tenantId,
      kind,
      session: {
        sessionId,
        tokenHash: SessionTokens.hashOf(this.tokens.tokenOf(sessionId)),
        mode: options.mode ?? DEFAULT_MODE,
        user: options.user ?? null,
        expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
        callback: options.callback ?? null,
      },
      document,
      ...(requestId && { requestId }),
    };
  }

  /**
   * Records the open for read-your-writes, then publishes it and waits for the confirm.
   * First the event passes the schema its consumers parse it with: the request's fields were
   * checked against the same schemas, and this makes sure nothing the gateway added (or a
   * path that forgot a check) publishes an event no consumer could store, for a 201 whose
   * session would never exist.
   */
  private async announce(event: SessionCreated, undo?: () => Promise<unknown>): Promise<void> {
    const consumable = sessionCreatedSchema.safeParse(event);
    if (!consumable.success) {
      await undo?.();
      throw consumable.error;
    }
    try {
      await this.pending.record(event);
      await this.publisher.publish(EventName.SessionCreated, event);
      this.logger.debug(
        `${event.kind} of session ${event.session.sessionId} (document ${event.document.documentId}) published`,
      );
    } catch (err) {
      await Promise.allSettled([this.pending.forget([event]), undo?.()]);
      if (err instanceof DomainError) throw err;
      throw new DomainError(ErrorCode.Unavailable, 'Cannot open sessions right now; nothing was stored or billed.');
    }
  }
}
