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

export class MeteringAlerts1764201600210 implements MigrationInterface {
  name = 'MeteringAlerts1764201600210';

  async up(q: QueryRunner): Promise<void> {
    // Bumped on every change, so that the gateways' cached copy of a plan can tell an
    // old value from a new one.
    await q.query(`ALTER TABLE metering.plans ADD COLUMN version bigint NOT NULL DEFAULT 1`);
    // The primary key is what makes each threshold fire once per tenant and period,
    // however often (and however concurrently) the counter passes it.
    await q.query(`
      CREATE TABLE metering.usage_alerts (
        id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        threshold_percent int NOT NULL CHECK (threshold_percent IN (75, 90, 100)),
        usage_at_fire bigint NOT NULL,
        fired_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        delivered_at timestamptz,
        PRIMARY KEY (tenant_id, period_start, threshold_percent)
      )`);
    // Alerts whose webhook job is not scheduled yet: the dispatcher's to-do list.
    await q.query(
      `CREATE INDEX usage_alerts_unqueued_idx ON metering.usage_alerts (fired_at) WHERE enqueued_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE metering.usage_alerts`);
    await q.query(`ALTER TABLE metering.plans DROP COLUMN version`);
  }
}

export const meteringMigrations = [MeteringInit1764201600200, MeteringAlerts1764201600210];
