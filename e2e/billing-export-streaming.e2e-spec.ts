import { api, eventually, gatewayUrl, newTenant } from './support/api';
import { periodAgo } from './support/billing';
import { query } from './support/database';

const ROWS = 200_000;

/** Cursors that are still open in the run's database (an export in progress, or one leaked). */
async function openCursors(): Promise<number> {
  const rows = await query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND query LIKE 'FETCH FORWARD%' AND state IN ('active', 'idle in transaction')`,
  );
  return Number(rows[0].n);
}

/**
 * A large export as a slow or vanishing client sees it: it streams (the gateway holds a
 * cursor, not the rows), a client that goes away releases its cursor and its slot, and
 * more exports at once than EXPORT_CONCURRENCY (4) answer 503 instead of queueing.
 */
describe('streaming a large export', () => {
  const period = periodAgo(4);
  let t: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    t = await newTenant();
    await query(
      `INSERT INTO metering.billable_calls (tenant_id, event_id, occurred_at, period_start, session_id, document_id, user_id, kind)
       SELECT $1, gen_random_uuid(), $2::timestamptz + i * interval '1 second', $3::date, gen_random_uuid(), gen_random_uuid(), NULL, 'open'
       FROM generate_series(1, $4::int) AS i`,
      [t.tenant_id, period.start.toISOString(), `${period.label}-01`, ROWS],
    );
    await query(`INSERT INTO metering.usage_counters (tenant_id, period_start, total) VALUES ($1, $2, $3)`, [
      t.tenant_id,
      `${period.label}-01`,
      ROWS,
    ]);
  }, 60_000);

  const start = (signal: AbortSignal) =>
    fetch(`${gatewayUrl()}/v1/usage/export?period=${period.label}&format=csv`, {
      headers: { authorization: `Bearer ${t.api_key}` },
      signal,
    });

  it('streams every row', async () => {
    const res = await start(new AbortController().signal);
    expect(res.headers.get('x-row-count')).toBe(String(ROWS));
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of chunk) if (byte === 10) lines++;
    }
    expect(lines).toBe(ROWS + 1);
  });

  it('answers 503 past EXPORT_CONCURRENCY, and frees cursors and slots of clients that go away', async () => {
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    // Four exports whose readers take the first bytes and then stop reading.
    const held = await Promise.all(aborts.map((a) => start(a.signal)));
    for (const res of held) {
      expect(res.status).toBe(200);
      await (res.body as ReadableStream<Uint8Array>).getReader().read();
    }
    const fifth = await api('GET', `/v1/usage/export?period=${period.label}&format=csv`, { key: t.api_key });
    expect({ status: fifth.status, code: fifth.body.error?.code }).toEqual({ status: 503, code: 'unavailable' });
    // Held back by the readers: the cursors wait, the rows are not read ahead into memory.
    await eventually(async () => ((await openCursors()) === 4 ? true : undefined), 5_000, 'four waiting cursors');

    for (const a of aborts) a.abort();
    await eventually(async () => ((await openCursors()) === 0 ? true : undefined), 10_000, 'cursors closed');
    // Every slot is back: four more exports at once are all served.
    const again = await Promise.all(
      Array.from({ length: 4 }, () => api('GET', '/v1/usage/export?period=2001-01&format=ndjson', { key: t.api_key })),
    );
    expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });
});
