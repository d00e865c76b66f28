/**
 * @docsession/sessions — the session context (schema `session`): documents, sessions,
 * the audit trail, read-your-writes for fresh opens, expiry scheduling, removing a
 * document's content when its last session ends, the purge that catches what was missed, and
 * the record of save callbacks to deliver (with the copies of their bytes), the versions saves
 * keep while a document is live, and the WOPI host's token checks and locks.
 */
export * from './audit-trail';
export * from './document-saves';
export * from './document-versions';
export * from './migrations';
export * from './purge';
export * from './purge-queue';
export * from './purge-runs';
export * from './purge.module';
export * from './presence-jobs';
export * from './presence-store';
export * from './rows';
export * from './save-callback-queue';
export * from './save-callback-retention';
export * from './save-deliveries';
export * from './save-delivery-store';
export * from './session-expiry-queue';
export * from './session-store';
export * from './session-presence.service';
export * from './session.service';
export * from './sessions.module';
export * from './wopi-lock-rules';
export * from './wopi-store';
