import { Client } from 'pg';

const LOCK = `hashtext('docsession.purge')`;

/**
 * One purge at a time across every worker: a PostgreSQL advisory lock (per database, so
 * per instance) held by a connection of its own for the whole run, closed at the end. The
 * server lets go of it when that connection ends, so a worker killed mid-run never leaves
 * the purge locked out, as a "running" row would.
 */
export class PurgeLock {
  private constructor(private readonly client: Client) {}

  /**
   * `wait`: queue behind a run in progress (a manual run the operator asked for);
   * otherwise give up at once and answer null (a scheduled run: the one going does its job).
   */
  static async acquire(databaseUrl: string, wait: boolean): Promise<PurgeLock | null> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'docsession purge lock' });
    client.on('error', () => undefined); // a dropped connection has let go of the lock; the run's own queries will fail
    await client.connect();
    try {
      if (wait) {
        await client.query(`SELECT pg_advisory_lock(${LOCK})`);
        return new PurgeLock(client);
      }
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`);
      if (rows[0]?.locked) return new PurgeLock(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    await client.end();
    return null;
  }

  /** Ending the connection releases the lock, whatever state the connection is in. */
  async release(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
