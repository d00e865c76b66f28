import {
  DomainError,
  ErrorCode,
  EventName,
  type CloseReason,
  type ContentLocation,
  type DocumentDeleteResult,
  type DocumentRecord,
  type DocumentSessions,
  type LiveDocumentMatch,
  type PageView,
  type SessionCreated,
  type SessionEndResult,
  type SessionRecord,
  type VersionContent,
  type VersionRecord,
} from '@docsession/contracts';
import { contentRemovalLag, sessionsEndedTotal, UnprocessableEvent, type EventPublisher } from '@docsession/platform';
import type { BlobStore } from '@docsession/storage';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { PendingOpens } from '@docsession/pending-opens';
import {
  isOpen,
  toContentLocation,
  toDocumentRecord,
  toDocumentSessions,
  toSessionRecord,
  type SessionRow,
} from './rows';
import { versionKey, type DocumentVersions } from './document-versions';
import { sessionOpenedEvent } from './lifecycle-events';
import type { SessionExpiryQueue } from './session-expiry-queue';
import type { EndCondition, EndOutcome, SessionStore } from './session-store';

const notFound = (what: string) => new DomainError(ErrorCode.NotFound, `No such ${what}.`);
const gone = (message: string) => new DomainError(ErrorCode.Gone, message);

/**
 * The session context's use cases: storing opens, answering reads, ending sessions and
 * removing a document's content the moment its last session ends.
 */
export class SessionService {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    private readonly store: SessionStore,
    private readonly pending: PendingOpens,
    private readonly blobs: BlobStore,
    private readonly publisher: EventPublisher,
    private readonly expiry: SessionExpiryQueue,
    private readonly versions: DocumentVersions,
  ) {}

  /**
   * Stores `session.created` events. Safe to run any number of times for one event:
   * inserts are keyed by id and expiry jobs by session id. A join on a document the
   * tenant does not have can never apply: it fails with UnprocessableEvent, after the
   * rest of the batch was stored.
   */
  async applyCreated(events: SessionCreated[]): Promise<void> {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const opens = unique.filter((e) => e.kind === 'open');
    if (opens.length) await this.store.insertOpens(opens);
    const missing = new Set<SessionCreated>();
    for (const join of unique.filter((e) => e.kind === 'join')) {
      if ((await this.store.insertJoin(join)) === 'missing') missing.add(join);
    }
    const applied = unique.filter((e) => !missing.has(e));
    await Promise.all([
      this.expiry.scheduleAll(applied.map((e) => ({ ...e.session, requestId: e.requestId }))),
      this.pending.forget(applied),
    ]);
    if (missing.size) {
      const ids = [...missing].map((e) => e.session.sessionId).join(', ');
      throw new UnprocessableEvent(`join ${ids} names a document its tenant does not have`);
    }
  }

  /** Applies an open recorded by the gateway but not consumed yet; false if it cannot apply. */
  private async applyPending(event: SessionCreated): Promise<boolean> {
    try {
      await this.applyCreated([event]);
      return true;
    } catch (err) {
      if (err instanceof UnprocessableEvent) return false;
      throw err;
    }
  }

  async getSession(tenantId: string, sessionId: string): Promise<SessionRecord> {
    return toSessionRecord(await this.sessionOf(tenantId, sessionId));
  }

  async closeSession(tenantId: string, sessionId: string, reason: CloseReason): Promise<SessionEndResult> {
    await this.sessionOf(tenantId, sessionId); // read-through for an open not consumed yet
    const result = await this.store.endSession(sessionId, tenantId, 'closed', reason);
    if (!result) throw notFound('session');
    await this.afterEnd(result.outcome);
    // Ended without a condition, the session is final: closed by this call or before, or expired.
    return { sessionId, status: result.finalStatus === 'expired' ? 'expired' : 'closed' };
  }

  /**
   * Run by the idle and close-grace jobs: closes the session, the same way as a DELETE,
   * only if it is still open and `condition` still holds. True if this call closed it.
   */
  async closeIf(sessionId: string, reason: CloseReason, condition: EndCondition): Promise<boolean> {
    const result = await this.store.endSession(sessionId, null, 'closed', reason, condition);
    if (!result) return false;
    await this.afterEnd(result.outcome);
    return result.outcome.ended.length > 0;
  }

  /** Run by the expiry job. Idempotent: a session already final stays as it is. */
  async expireSession(sessionId: string): Promise<void> {
    const result = await this.store.endSession(sessionId, null, 'expired', 'expired');
    if (result) await this.afterEnd(result.outcome);
  }

  /** expireSession for many sessions at once, in one transaction (expiry jobs due together). */
  async expireSessions(sessionIds: string[]): Promise<void> {
    const outcomes = await this.store.expireSessions(sessionIds);
    await Promise.all(outcomes.map((o) => this.afterEnd(o)));
  }

  async getDocument(tenantId: string, documentId: string): Promise<DocumentRecord> {
    const doc = await this.documentOf(tenantId, documentId);
    return toDocumentRecord(doc, await this.store.listSessions(documentId));
  }

  async listDocumentSessions(tenantId: string, documentId: string): Promise<DocumentSessions> {
    const doc = await this.documentOf(tenantId, documentId);
    return toDocumentSessions(doc, await this.store.listSessions(documentId));
  }

  async deleteDocument(tenantId: string, documentId: string): Promise<DocumentDeleteResult> {
    await this.documentOf(tenantId, documentId);
    const outcome = await this.store.endDocument(tenantId, documentId);
    if (!outcome) throw notFound('document');
    await this.afterEnd(outcome);
    return { documentId, status: 'purged' };
  }

  async contentLocation(tenantId: string, documentId: string): Promise<ContentLocation> {
    const doc = await this.documentOf(tenantId, documentId);
    if (doc.status !== 'live') throw gone('The document content was removed when its last session ended.');
    return toContentLocation(doc);
  }

  /**
   * The page's script reported in: an `inactive` session becomes `active` (`opened_at`,
   * audit and `session.opened`). True when this call made the change.
   */
  async markActive(sessionId: string): Promise<boolean> {
    const opened = await this.store.markOpened(sessionId);
    if (!opened) return false;
    await this.announceOpened(opened);
    return true;
  }

  /** A live document's saved versions, newest first; none once its content was removed. */
  async listVersions(tenantId: string, documentId: string): Promise<VersionRecord[]> {
    await this.documentOf(tenantId, documentId);
    return this.versions.list(documentId);
  }

  async versionContent(tenantId: string, documentId: string, number: number): Promise<VersionContent> {
    const doc = await this.documentOf(tenantId, documentId);
    if (doc.status !== 'live') throw gone('The document content, and its versions, were removed.');
    const version = await this.versions.find(documentId, number);
    if (!version) throw notFound('version');
    return {
      blobKey: versionKey(documentId, number),
      number,
      name: doc.name,
      contentType: doc.content_type,
      sizeBytes: version.sizeBytes,
    };
  }

  /**
   * `session.opened`, after the first report committed. Two first reports at once both announce
   * it, under one event id (derived from the session id), so consumers see one transition.
   */
  private async announceOpened(session: SessionRow): Promise<void> {
    try {
      await this.publisher.publish(EventName.SessionOpened, sessionOpenedEvent(session));
    } catch (err) {
      this.logger.warn(`Lifecycle event not published: ${err}`);
    }
  }

  /** The page's content request: no state change. */
  async pageContent(tokenHash: string): Promise<PageView> {
    const session = await this.sessionByToken(tokenHash);
    if (!isOpen(session.status)) throw gone('This session has ended.');
    return this.pageView(session);
  }

  private async pageView(session: SessionRow): Promise<PageView> {
    const doc = await this.store.findDocument(session.tenant_id, session.document_id);
    if (!doc || doc.status !== 'live') throw gone('The document content was removed.');
    return { session: toSessionRecord(session), document: toContentLocation(doc) };
  }

  /**
   * Stores the open the gateway recorded under this token, if it is not stored yet (an editor
   * can call right after the page loaded, before the consumer caught up). True if the token's
   * session is stored now — by this call, or by the consumer, which may store it (and forget
   * the record) at any moment in between — so that a caller whose read missed it reads again.
   */
  async storePendingOpen(tokenHash: string): Promise<boolean> {
    if (await this.store.findSessionByToken(tokenHash)) return true;
    const event = await this.pending.byToken(tokenHash);
    if (event && (await this.applyPending(event))) return true;
    return (await this.store.findSessionByToken(tokenHash)) !== null;
  }

  /**
   * The live document a tenant keeps under an external id, for an open that names one
   * (co-editing by the caller's id). An open of such a document that is not stored yet
   * is found too, so that a co-editor right behind the first open joins it.
   */
  async findLiveDocument(tenantId: string, externalId: string): Promise<LiveDocumentMatch> {
    let documentId = await this.store.findLiveDocumentId(tenantId, externalId);
    if (!documentId) {
      const event = await this.pending.byExternalId(tenantId, externalId);
      if (event) await this.applyPending(event);
      documentId = await this.store.findLiveDocumentId(tenantId, externalId); // again either way, as below
    }
    return { documentId };
  }

  // Lookups that fall back to the pending open the gateway recorded (read-your-writes).

  private async sessionOf(tenantId: string, sessionId: string): Promise<SessionRow> {
    let row = await this.store.findSession(tenantId, sessionId);
    if (!row) {
      const event = await this.pending.bySession(sessionId);
      if (event?.tenantId === tenantId) await this.applyPending(event);
      // Again either way: the consumer may have stored it (and forgotten the record) meanwhile.
      row = await this.store.findSession(tenantId, sessionId);
    }
    if (!row) throw notFound('session');
    return row;
  }

  private async documentOf(tenantId: string, documentId: string) {
    let doc = await this.store.findDocument(tenantId, documentId);
    if (!doc) {
      const event = await this.pending.byDocument(documentId);
      if (event?.tenantId === tenantId) await this.applyPending(event);
      doc = await this.store.findDocument(tenantId, documentId); // again either way, as above
    }
    if (!doc) throw notFound('document');
    return doc;
  }

  private async sessionByToken(tokenHash: string): Promise<SessionRow> {
    let row = await this.store.findSessionByToken(tokenHash);
    if (!row) {
      const event = await this.pending.byToken(tokenHash);
      if (event) await this.applyPending(event);
      row = await this.store.findSessionByToken(tokenHash); // again either way, as above
    }
    if (!row) throw notFound('session');
    return row;
  }

  /**
   * After the transaction committed: remove the content and its versions, then tell the bus. A
   * crash in between leaves blobs of a purged document, which the purge job removes. Public for the
   * purge, which ends sessions in bulk (PurgeStore) with the same effects after commit.
   */
  async afterEnd(outcome: EndOutcome): Promise<void> {
    if (outcome.purged) {
      await Promise.all([outcome.documentId, ...outcome.versionBlobs].map((key) => this.blobs.remove(key)));
      observeRemovalLag(outcome);
    }
    for (const e of outcome.ended) {
      sessionsEndedTotal.inc({ reason: e.reason });
      this.logger.debug(`session ${e.sessionId} ended: ${e.status} (${e.reason})`);
    }
    if (outcome.purged) this.logger.debug(`content of document ${outcome.documentId} removed`);
    const occurredAt = new Date().toISOString();
    const publishing = outcome.ended.map((e) =>
      this.publisher.publish(e.status === 'expired' ? EventName.SessionExpired : EventName.SessionClosed, {
        eventId: randomUUID(),
        occurredAt,
        tenantId: outcome.tenantId,
        documentId: outcome.documentId,
        sessionId: e.sessionId,
        status: e.status,
        reason: e.reason,
      }),
    );
    if (outcome.purged) {
      publishing.push(
        this.publisher.publish(EventName.DocumentPurged, {
          eventId: randomUUID(),
          occurredAt,
          tenantId: outcome.tenantId,
          documentId: outcome.documentId,
        }),
      );
    }
    for (const result of await Promise.allSettled(publishing)) {
      if (result.status === 'rejected') this.logger.warn(`Lifecycle event not published: ${result.reason}`);
    }
  }
}

/**
 * Content removal lag: from the end of the session whose end removed the content to now.
 * A purge run's removals (no session ended in that call) are not observed: their documents
 * ended long ago, and the purge run reports them.
 */
function observeRemovalLag(outcome: EndOutcome): void {
  if (!outcome.ended.length) return;
  const last = Math.max(...outcome.ended.map((e) => e.endedAt.getTime()));
  contentRemovalLag.observe(Math.max(0, Date.now() - last) / 1000);
}
