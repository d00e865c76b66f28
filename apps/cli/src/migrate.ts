import { meteringMigrations } from '@docsession/metering';
import { createDataSource, ensureDatabase, type AppConfig } from '@docsession/platform';
import { sessionMigrations } from '@docsession/sessions';
import { tenancyMigrations } from '@docsession/tenancy';

/** Every context's migrations, in the order their schemas depend on each other. */
export const allMigrations = [...tenancyMigrations, ...sessionMigrations, ...meteringMigrations];

/**
 * Creates the database if missing and brings every schema up to date. Runs under an
 * advisory lock, so several processes starting at once migrate once.
 */
export async function migrate(config: AppConfig, log: (line: string) => void): Promise<void> {
  if (await ensureDatabase(config.DATABASE_URL))
    log(`Created database ${new URL(config.DATABASE_URL).pathname.slice(1)}`);
  // A migration may rewrite a large table: no statement limit for it.
  const db = await createDataSource(
    { ...config, DB_STATEMENT_TIMEOUT_MS: 0, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 0 },
    { migrations: allMigrations },
  ).initialize();
  try {
    await db.query(`SELECT pg_advisory_lock(hashtext('docsession.migrations'))`);
    const applied = await db.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`Applied ${m.name}`);
    // Fresh tables have no statistics; without them PostgreSQL may plan sequential
    // scans for foreign-key checks and keep them (see the README's performance notes).
    if (applied.length) await db.query('ANALYZE');
    log(applied.length ? `Database is up to date (${applied.length} migrations applied).` : 'Database is up to date.');
  } finally {
    await db.query(`SELECT pg_advisory_unlock(hashtext('docsession.migrations'))`).catch(() => undefined);
    await db.destroy();
  }
}
