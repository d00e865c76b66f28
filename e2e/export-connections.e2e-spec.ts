import { connect } from 'node:net';
import { api, eventually } from './support/api';
import { periodAgo } from './support/billing';
import { IsolatedSystem } from './support/isolated-system';

const ROWS = 100_000;
const POOL_SIZE = 3;
const ACQUIRE_TIMEOUT_MS = 1_000;
const EXPORT_IDLE_TIMEOUT_SECONDS = 6;

/**
 * Every export gives its cursor, transaction and connection back, whatever the client
 * does; a pool with nothing to give answers 503 instead of hanging. On a system of its
 * own: three connections per process, so that a leak of three is an outage.
 */
describe('connections of exports', () => {
  const period = periodAgo(3);
  let sys: IsolatedSystem;
  let key: string;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('conns', {
      DB_POOL_SIZE: String(POOL_SIZE),
      DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      EXPORT_CONCURRENCY: '8',
      EXPORT_IDLE_TIMEOUT_SECONDS: String(EXPORT_IDLE_TIMEOUT_SECONDS),
    });
    key = (await newTenant()).api_key;
    const tenantId = (await api('GET', `${sys.baseUrl}/v1/usage`, { key })).body.tenant_id;
    await sys.query(
      `INSERT INTO metering.billable_calls (tenant_id, event_id, occurred_at, period_start, session_id, document_id, user_id, kind)
       SELECT $1, gen_random_uuid(), $2::timestamptz + i * interval '1 second', $3::date, gen_random_uuid(), gen_random_uuid(), NULL, 'open'
       FROM generate_series(1, $4::int) AS i`,
      [tenantId, period.start.toISOString(), `${period.label}-01`, ROWS],
    );
  }, 180_000);
  afterAll(() => sys?.stop(), 60_000);

  async function newTenant(): Promise<{ api_key: string }> {
    const res = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, { key: sys.t.adminToken, json: { name: 'x' } });
    expect(res.status).toBe(201);
    return res.body;
  }

  const exportUrl = () => `${sys.baseUrl}/v1/usage/export?period=${period.label}&format=csv`;
  const exportPath = () => new URL(exportUrl()).pathname + new URL(exportUrl()).search;

  /** Sessions of the run's database idle inside a transaction: a connection someone did not give back. */
  async function idleInTransaction(): Promise<number> {
    const rows = await sys.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    return Number(rows[0].n);
  }

  /** Until no export is being opened or read any more (the gateway finishes aborted ones on its own time). */
  async function exportsSettled(what: string): Promise<void> {
    await eventually(
      async () => {
        const rows = await sys.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND state <> 'idle' AND query ~ 'billable_calls|ledger_export'`,
        );
        return Number(rows[0].n) === 0 ? true : undefined;
      },
      10_000,
      what,
    );
  }

  /** Sends the request and closes the socket before any answer can come. */
  function abortBeforeAnswer(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(sys.baseUrl).port), '127.0.0.1', () => {
        socket.write(`GET ${exportPath()} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\n\r\n`, () =>
          setTimeout(() => socket.destroy(), 5),
        );
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  }

  /** Starts an export and reads its first bytes; `abort` then drops it, or the reader just stops. */
  async function startReading(): Promise<{ abort: () => void; rest: () => Promise<number> }> {
    const controller = new AbortController();
    const res = await fetch(exportUrl(), { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    return {
      abort: () => controller.abort(),
      /** Reads on: the newlines it gets before the stream ends or breaks off. */
      rest: async () => {
        let lines = 0;
        try {
          for (let r = await reader.read(); !r.done; r = await reader.read())
            for (const b of r.value) lines += +(b === 10);
        } catch {
          // cut off: what came until then is what counts
        }
        return lines;
      },
    };
  }

  it('returns every connection after 30 HEAD and aborted exports; /readyz stays 200', async () => {
    for (let i = 0; i < 10; i++) {
      const head = await fetch(exportUrl(), { method: 'HEAD', headers: { authorization: `Bearer ${key}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('x-row-count')).toBe(String(ROWS));
    }
    for (let i = 0; i < 10; i++) await abortBeforeAnswer();
    await exportsSettled('the exports aborted before their answer closed');
    for (let i = 0; i < 10; i++) (await startReading()).abort();
    await exportsSettled('the exports aborted while streaming closed');

    expect(await idleInTransaction()).toBe(0);
    expect((await fetch(`${sys.baseUrl}/readyz`)).status).toBe(200);
    expect((await api('GET', `${sys.baseUrl}/v1/usage`, { key })).status).toBe(200);
  });

  it('answers 503 when the pool has no connection in time, and cuts off readers that stopped reading', async () => {
    const other = await newTenant(); // its key is not cached yet: checking it needs a connection
    const stalled = [];
    for (let i = 0; i < POOL_SIZE; i++) stalled.push(await startReading());
    const started = Date.now();
    const refused = await api('GET', `${sys.baseUrl}/v1/usage`, { key: other.api_key });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 503, code: 'unavailable' });
    // Refused by the acquire timeout, well before the stalled readers were cut off.
    expect(Date.now() - started).toBeLessThan(EXPORT_IDLE_TIMEOUT_SECONDS * 1_000 - 1_000);

    await eventually(
      async () =>
        (await api('GET', `${sys.baseUrl}/v1/usage`, { key: other.api_key })).status === 200 ? true : undefined,
      (EXPORT_IDLE_TIMEOUT_SECONDS + 10) * 1_000,
      'the stalled exports cut off and their connections back',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(EXPORT_IDLE_TIMEOUT_SECONDS * 1_000 - 1_000);
    for (const s of stalled) expect(await s.rest()).toBeLessThan(ROWS + 1);
    expect(await idleInTransaction()).toBe(0);
  });
});
