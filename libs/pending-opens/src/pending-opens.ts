import { sessionCreatedSchema, type SessionCreated } from '@docsession/contracts';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * Read-your-writes for the open path. The gateway records each open here just before
 * it publishes `session.created`; the session service, asked about an id it has not
 * stored yet, applies the recorded event itself (the same idempotent insert the
 * consumer runs) and forgets the record once the event is stored. Ids are random and
 * revealed only by the 201, so nobody can ask about an open whose publish failed.
 */
export class PendingOpens {
  /** Long enough for any consumer backlog worth serving reads from; bounded for memory. */
  static readonly TTL_SECONDS = 3_600;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private sessionKey(sessionId: string) {
    return `${this.prefix}:pending-open:${sessionId}`;
  }
  private documentKey(documentId: string) {
    return `${this.prefix}:pending-open-document:${documentId}`;
  }
  private tokenKey(tokenHash: string) {
    return `${this.prefix}:pending-open-token:${tokenHash}`;
  }
  /** External ids are the tenant's strings: hashed, so any of them makes a key. */
  private externalKey(tenantId: string, externalId: string) {
    const digest = createHash('sha256').update(externalId).digest('hex');
    return `${this.prefix}:pending-open-external:${tenantId}:${digest}`;
  }
  private externalKeys(e: SessionCreated): string[] {
    return e.kind === 'open' && e.document.externalId !== null
      ? [this.externalKey(e.tenantId, e.document.externalId)]
      : [];
  }

  async record(event: SessionCreated): Promise<void> {
    const ttl = PendingOpens.TTL_SECONDS;
    const { sessionId, tokenHash } = event.session;
    const multi = this.redis
      .multi()
      .set(this.sessionKey(sessionId), JSON.stringify(event), 'EX', ttl)
      .set(this.tokenKey(tokenHash), sessionId, 'EX', ttl);
    if (event.kind === 'open') multi.set(this.documentKey(event.document.documentId), sessionId, 'EX', ttl);
    for (const key of this.externalKeys(event)) multi.set(key, sessionId, 'EX', ttl);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis transaction aborted');
  }

  async bySession(sessionId: string): Promise<SessionCreated | null> {
    const raw = await this.redis.get(this.sessionKey(sessionId));
    return raw ? sessionCreatedSchema.parse(JSON.parse(raw)) : null;
  }

  async byDocument(documentId: string): Promise<SessionCreated | null> {
    const sessionId = await this.redis.get(this.documentKey(documentId));
    return sessionId ? this.bySession(sessionId) : null;
  }

  async byToken(tokenHash: string): Promise<SessionCreated | null> {
    const sessionId = await this.redis.get(this.tokenKey(tokenHash));
    return sessionId ? this.bySession(sessionId) : null;
  }

  /** The latest open not stored yet of a document the tenant keeps under an external id. */
  async byExternalId(tenantId: string, externalId: string): Promise<SessionCreated | null> {
    const sessionId = await this.redis.get(this.externalKey(tenantId, externalId));
    return sessionId ? this.bySession(sessionId) : null;
  }

  async forget(events: SessionCreated[]): Promise<void> {
    const keys = events.flatMap((e) => [
      this.sessionKey(e.session.sessionId),
      this.tokenKey(e.session.tokenHash),
      ...(e.kind === 'open' ? [this.documentKey(e.document.documentId)] : []),
      // A later open under the same external id may have taken the key: it is then found in
      // PostgreSQL once stored, or not at all for the moment in between (a new document opens).
      ...this.externalKeys(e),
    ]);
    if (keys.length) await this.redis.del(...keys);
  }
}
