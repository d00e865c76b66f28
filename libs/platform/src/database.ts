import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { AppConfig } from './config';

export type DatabaseConfig = Pick<AppConfig, 'DATABASE_URL' | 'DB_POOL_SIZE'> &
  Partial<Pick<AppConfig, 'DB_ACQUIRE_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'>>;

/**
 * A TypeORM data source for the contexts a process composes: a pool for their raw SQL
 * (queryRows, execute) and their migrations, with no entities. Schemas are created by
 * migrations only; `synchronize` stays off everywhere.
 *
 * Nothing waits for PostgreSQL without end: a caller waits at most DB_ACQUIRE_TIMEOUT_MS
 * for a pooled connection (then fails, which isOutage() recognises and the gateway
 * answers 503), and the server cancels a statement running longer than
 * DB_STATEMENT_TIMEOUT_MS and ends a session left idle inside a transaction for
 * DB_IDLE_IN_TRANSACTION_TIMEOUT_MS — the connection of a caller that forgot its
 * transaction comes back instead of starving the pool. 0 turns a timeout off.
 */
export function createDataSource(config: DatabaseConfig, options: { migrations?: Function[] } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    migrations: options.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: {
      max: config.DB_POOL_SIZE,
      connectionTimeoutMillis: config.DB_ACQUIRE_TIMEOUT_MS ?? 0,
      statement_timeout: config.DB_STATEMENT_TIMEOUT_MS ?? 0,
      idle_in_transaction_session_timeout: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 0,
    },
  });
}

/** Creates the database named in DATABASE_URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database (used by test runs that made their own). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A row that is not of the shape its statement's schema says: a fault of the SQL or of
 * the schema, never of a caller. Deliberately not a ZodError, which the edges answer as
 * the caller's `400 invalid_request`.
 */
export class RowShapeError extends Error {
  constructor(sql: string, issue: string) {
    super(`A row of "${sql.replace(/\s+/g, ' ').trim().slice(0, 80)}" is not of its shape: ${issue}`);
    this.name = 'RowShapeError';
  }
}

/**
 * The rows of a statement, each checked against `row`, the zod schema of its shape: the
 * types are checked where the rows enter the code, instead of asserted. Write the schema
 * for what `pg` delivers — bigint and numeric as strings, timestamptz as Date, jsonb
 * parsed — and only for the columns the statement returns. Every row is parsed (about a
 * microsecond for a small object): keep the schemas of statements on the open path to the
 * few columns they select.
 */
export async function queryRows<S extends z.ZodType>(
  db: Queryable,
  row: S,
  sql: string,
  params: unknown[] = [],
): Promise<z.output<S>[]> {
  const rows = rowsOf(await db.query(sql, params));
  const parsed: z.output<S>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const result = row.safeParse(rows[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new RowShapeError(sql, `${issue?.path.join('.') || 'row'}: ${issue?.message}`);
    }
    parsed[i] = result.data;
  }
  return parsed;
}

/** Runs a statement whose rows, if any, nobody reads. */
export async function execute(db: Queryable, sql: string, params: unknown[] = []): Promise<void> {
  await db.query(sql, params);
}

/** TypeORM answers UPDATE and DELETE with `[rows, rowCount]` and everything else with the rows. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0];
  }
  if (!Array.isArray(result)) throw new Error('A statement answered no rows.');
  return result;
}
