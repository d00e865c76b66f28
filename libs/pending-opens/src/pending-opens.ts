import { sessionCreatedSchema, type SessionCreated } from '@docsession/contracts';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { LuaScript } from '@docsession/platform';

// KEYS[1] = the session key, the event (ARGV[2]); the other keys name the session id (ARGV[3]).
const recordScript = new LuaScript(
  `redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
   for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[3], 'EX', ARGV[1]) end
   return 1`,
  'any',
);

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
    const { sessionId, tokenHash } = event.session;
    const keys = [this.sessionKey(sessionId), this.tokenKey(tokenHash)];
    if (event.kind === 'open') keys.push(this.documentKey(event.document.documentId));
    keys.push(...this.externalKeys(event));
    // One round trip: the event under its session key, the session id under the others.
    await recordScript.run(this.redis, keys, [PendingOpens.TTL_SECONDS, JSON.stringify(event), sessionId]);
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
