import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MeteringInit1764201600200 implements MigrationInterface {
  name = 'MeteringInit1764201600200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS metering`);
    // One row per billable call, forever: the unique key is what makes a redelivered
    // event count once, however late it comes.
    await q.query(`
      CREATE TABLE metering.billable_calls (
        tenant_id uuid NOT NULL,
        event_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        period_start date NOT NULL,
        session_id uuid NOT NULL,
        document_id uuid NOT NULL,
        user_id text,
        kind text NOT NULL CHECK (kind IN ('open', 'join')),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX billable_calls_period_idx ON metering.billable_calls (tenant_id, period_start, occurred_at, event_id)`,
    );
    await q.query(`
      CREATE TABLE metering.usage_counters (
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        total bigint NOT NULL,
        PRIMARY KEY (tenant_id, period_start)
      )`);
    await q.query(`
      CREATE TABLE metering.plans (
        tenant_id uuid PRIMARY KEY,
        name text NOT NULL,
        usage_limit bigint NOT NULL CHECK (usage_limit >= 0),
        grace_percent int NOT NULL CHECK (grace_percent >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA metering CASCADE`);
  }
}

export const meteringMigrations = [MeteringInit1764201600200];
