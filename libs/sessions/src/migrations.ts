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

export const sessionMigrations = [SessionsInit1764201600100];
