import { Client } from 'pg';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { AppConfig } from './config';

type Entities = MixedList<string | Function | EntitySchema<unknown>>;

export type DatabaseConfig = Pick<AppConfig, 'DATABASE_URL' | 'DB_POOL_SIZE'> &
  Partial<Pick<AppConfig, 'DB_ACQUIRE_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'>>;

/**
 * A TypeORM data source for the contexts a process composes. Schemas are created by
 * migrations only; `synchronize` stays off everywhere.
 *
 * Nothing waits for PostgreSQL without end: a caller waits at most DB_ACQUIRE_TIMEOUT_MS
 * for a pooled connection (then fails, which isOutage() recognises and the gateway
 * answers 503), and the server cancels a statement running longer than
 * DB_STATEMENT_TIMEOUT_MS and ends a session left idle inside a transaction for
 * DB_IDLE_IN_TRANSACTION_TIMEOUT_MS — the connection of a caller that forgot its
 * transaction comes back instead of starving the pool. 0 turns a timeout off.
 */
export function createDataSource(
  config: DatabaseConfig,
  options: { entities?: Entities; migrations?: Function[] } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: options.entities ?? [],
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
 * The rows of a statement. TypeORM answers UPDATE and DELETE with `[rows, rowCount]`
 * and everything else with the rows; callers always want the rows.
 */
export async function queryRows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
