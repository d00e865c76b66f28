/**
 * @docsession/sessions — the session context (schema `session`): documents, sessions,
 * the audit trail, read-your-writes for fresh opens, expiry scheduling, and removing a
 * document's content when its last session ends.
 */
export * from './migrations';
export * from './rows';
export * from './session-expiry-queue';
export * from './session-store';
export * from './session.service';
export * from './sessions.module';
