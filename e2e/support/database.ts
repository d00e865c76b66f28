import { Client } from 'pg';
import { e2eState } from './state';

/** Direct reads of the run's database, to check what was (not) stored or billed. */
export async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: e2eState().env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function countRows(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0].n);
}
