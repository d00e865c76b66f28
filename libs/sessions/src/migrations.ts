import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionsInit1764201600100 implements MigrationInterface {
  name = 'SessionsInit1764201600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS session`);
    await q.query(`
      CREATE TABLE session.documents (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        external_id text,
        name text NOT NULL,
        content_type text NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL,
        version int NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'purged')),
        metadata jsonb,
        host_session_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        purged_at timestamptz
      )`);
    await q.query(`CREATE INDEX documents_live_idx ON session.documents (created_at) WHERE status = 'live'`);
    // No foreign key from sessions to documents: PostgreSQL caches the plan of a
    // foreign-key check per connection, and one made while the table was nearly empty
    // stays a sequential scan, which measurably halved open throughput. SessionStore
    // writes a session only together with its document, or under the document's lock.
    await q.query(`
      CREATE TABLE session.sessions (
        id uuid PRIMARY KEY,
        document_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        mode text NOT NULL CHECK (mode IN ('edit', 'view')),
        user_id text,
        user_display_name text,
        status text NOT NULL CHECK (status IN ('inactive', 'active', 'closed', 'expired')),
        callback jsonb,
        created_at timestamptz NOT NULL,
        opened_at timestamptz,
        closed_at timestamptz,
        expires_at timestamptz NOT NULL,
        close_reason text,
        last_seen_at timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_document_idx ON session.sessions (document_id, created_at DESC)`);
    await q.query(
      `CREATE INDEX sessions_open_expiry_idx ON session.sessions (expires_at) WHERE status IN ('inactive', 'active')`,
    );
    await q.query(`
      CREATE TABLE session.audit_events (
        id bigserial PRIMARY KEY,
        document_id uuid NOT NULL,
        session_id uuid,
        type text NOT NULL,
        at timestamptz NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_events_document_idx ON session.audit_events (document_id, id)`);
    await q.query(`CREATE INDEX audit_events_at_idx ON session.audit_events (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA session CASCADE`);
  }
}

/**
 * One row per purge run. `started_at` stays null while a manual run waits for the one in
 * progress; `finished_at` null with a `started_at` is a run still going (or one cut short
 * by a crash, which the next run marks as interrupted).
 */
export class SessionsPurgeRuns1764201600250 implements MigrationInterface {
  name = 'SessionsPurgeRuns1764201600250';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session.purge_runs (
        id uuid PRIMARY KEY,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        expired_sessions int NOT NULL DEFAULT 0,
        purged_documents int NOT NULL DEFAULT 0,
        orphan_blobs_removed int NOT NULL DEFAULT 0,
        audit_events_removed int NOT NULL DEFAULT 0,
        error text
      )`);
    await q.query(`CREATE INDEX purge_runs_queued_idx ON session.purge_runs (queued_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session.purge_runs`);
  }
}

/**
 * When the page's close beacon came, so that a close-grace job can tell whether a load or
 * heartbeat came after it (both clear it). Nullable, no default: adding it rewrites nothing.
 */
export class SessionsCloseRequests1764201600300 implements MigrationInterface {
  name = 'SessionsCloseRequests1764201600300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session.sessions ADD COLUMN closing_requested_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session.sessions DROP COLUMN closing_requested_at`);
  }
}

/**
 * One row per save to deliver to a session's `callback.save_url` (see save-deliveries.ts).
 * While `status` is 'pending' the copy of the saved bytes (blob `cb-<id>`) is kept for it,
 * whatever happens to the session or the document; once delivered or given up it goes.
 * `attempts` counts attempts whose outcome was recorded (each one also in the audit trail).
 */
export class SessionsSaveDeliveries1764201600400 implements MigrationInterface {
  name = 'SessionsSaveDeliveries1764201600400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session.save_deliveries (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        document_id uuid NOT NULL,
        session_id uuid NOT NULL,
        version int NOT NULL,
        saved_at timestamptz NOT NULL,
        max_attempts int NOT NULL CHECK (max_attempts >= 1),
        attempts int NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX save_deliveries_pending_idx ON session.save_deliveries (created_at, id) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session.save_deliveries`);
  }
}

/**
 * WOPI (editors): one lock per document, held by an editor while it edits (30 minutes unless
 * refreshed; an expired row counts as no lock), removed in the transaction that purges the
 * document. And when the content last changed (LastModifiedTime, which Collabora hands back to
 * detect a conflicting save): nullable, so adding it rewrites nothing; null means `created_at`.
 */
export class SessionsWopi1764201600500 implements MigrationInterface {
  name = 'SessionsWopi1764201600500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session.wopi_locks (
        document_id uuid PRIMARY KEY,
        lock_id text NOT NULL CHECK (char_length(lock_id) BETWEEN 1 AND 1024),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`ALTER TABLE session.documents ADD COLUMN modified_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session.documents DROP COLUMN modified_at`);
    await q.query(`DROP TABLE session.wopi_locks`);
  }
}

/**
 * Saved versions while a document is live (document-versions.ts): one row per earlier content
 * kept, its bytes in blob `<document id>-v<number>`, removed in the transaction that purges the
 * document. And who saved the current content (null: the host's upload), which becomes the
 * version's `session_id` when the next save supersedes it. Nullable, so adding it rewrites nothing.
 */
export class SessionsDocumentVersions1764201600600 implements MigrationInterface {
  name = 'SessionsDocumentVersions1764201600600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session.document_versions (
        document_id uuid NOT NULL,
        number int NOT NULL CHECK (number >= 1),
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL,
        saved_at timestamptz NOT NULL,
        session_id uuid NOT NULL,
        PRIMARY KEY (document_id, number)
      )`);
    await q.query(`ALTER TABLE session.documents ADD COLUMN saved_by_session_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session.documents DROP COLUMN saved_by_session_id`);
    await q.query(`DROP TABLE session.document_versions`);
  }
}

/**
 * Co-editing by the tenant's own id (Zoho's `document_info.document_id`): an open names
 * a document by its external id, and finds the live one kept under it.
 */
export class SessionsExternalIds1764201600650 implements MigrationInterface {
  name = 'SessionsExternalIds1764201600650';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX documents_live_external_idx ON session.documents (tenant_id, external_id, created_at DESC)
         WHERE status = 'live' AND external_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session.documents_live_external_idx`);
  }
}

/**
 * Bounded save-callback copies: a delivery a newer save pushed out of a document's
 * CALLBACK_MAX_PENDING ends as `superseded`, found by the document's pending deliveries.
 */
export class SessionsSupersededDeliveries1764201600700 implements MigrationInterface {
  name = 'SessionsSupersededDeliveries1764201600700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session.save_deliveries DROP CONSTRAINT save_deliveries_status_check`);
    await q.query(
      `ALTER TABLE session.save_deliveries ADD CONSTRAINT save_deliveries_status_check
         CHECK (status IN ('pending', 'delivered', 'failed', 'superseded'))`,
    );
    await q.query(
      `CREATE INDEX save_deliveries_document_pending_idx ON session.save_deliveries (document_id, version)
         WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session.save_deliveries_document_pending_idx`);
    await q.query(`UPDATE session.save_deliveries SET status = 'failed' WHERE status = 'superseded'`);
    await q.query(`ALTER TABLE session.save_deliveries DROP CONSTRAINT save_deliveries_status_check`);
    await q.query(
      `ALTER TABLE session.save_deliveries ADD CONSTRAINT save_deliveries_status_check
         CHECK (status IN ('pending', 'delivered', 'failed'))`,
    );
  }
}

/** Ended sessions whose callback headers may go (SaveCallbackRetention) are found by this index. */
export class SessionsCallbackHeadersIndex1764201600710 implements MigrationInterface {
  name = 'SessionsCallbackHeadersIndex1764201600710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX sessions_callback_headers_idx ON session.sessions (id) WHERE callback ? 'headers'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session.sessions_callback_headers_idx`);
  }
}

export const sessionMigrations = [
  SessionsInit1764201600100,
  SessionsPurgeRuns1764201600250,
  SessionsCloseRequests1764201600300,
  SessionsSaveDeliveries1764201600400,
  SessionsWopi1764201600500,
  SessionsDocumentVersions1764201600600,
  SessionsExternalIds1764201600650,
  SessionsSupersededDeliveries1764201600700,
  SessionsCallbackHeadersIndex1764201600710,
];
