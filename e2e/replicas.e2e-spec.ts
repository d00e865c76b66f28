import { randomUUID } from 'node:crypto';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

const PURGE_INTERVAL_SECONDS = 2;
const CLIENTS = 16;
const LOAD_MS = 8_000;
/** When, into the load, one worker is stopped and one gateway and one session service are killed. */
const KILL_AT_MS = 3_000;

interface Outcome {
  key: string;
  sessionId: string;
  /** Attempts the open took: more than one when a gateway died under it or answered 503. */
  attempts: number;
  ms: number;
}

/**
 * Replicas of every service on one instance, as on several machines: two gateways, two
 * session services, two metering services, three workers. Load goes through both gateways
 * while one worker is stopped (SIGTERM) and one gateway and one session service are killed
 * (SIGKILL); the clients retry with the same Idempotency-Key on the other gateway, as a
 * client behind a load balancer does.
 */
describe('many replicas, some stopped or killed under load', () => {
  let sys: IsolatedSystem;
  let adminToken: string;
  let key: string;
  let tenantId: string;
  const outcomes: Outcome[] = [];
  let longestMs = 0;

  beforeAll(async () => {
    sys = await IsolatedSystem.start(
      'replicas',
      // A lock left by the killed gateway lapses within seconds, so a retry of its open gets an answer.
      { PURGE_INTERVAL_SECONDS: String(PURGE_INTERVAL_SECONDS), IDEMPOTENCY_LOCK_SECONDS: '3' },
      { gateway: 2, session: 2, metering: 2, worker: 3 },
    );
    adminToken = sys.t.adminToken;
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: adminToken,
      json: { name: 'replicas' },
    });
    key = tenant.body.api_key;
    tenantId = tenant.body.tenant_id;
  }, 240_000);
  afterAll(() => sys?.stop(), 60_000);

  const gateways = () => [sys.gatewayUrl('gateway'), sys.gatewayUrl('gateway-2')];

  /** One open, retried with its key on the other gateway until one answers 201. */
  async function openUntilAnswered(first: number): Promise<Outcome> {
    const idempotencyKey = randomUUID();
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const url = gateways()[(first + attempt - 1) % 2];
      try {
        const res = await api('POST', `${url}/v1/documents`, {
          key,
          headers: { 'idempotency-key': idempotencyKey },
          json: { content_base64: Buffer.from(`replica ${idempotencyKey}`).toString('base64') },
        });
        if (res.status === 201) {
          return { key: idempotencyKey, sessionId: res.body.session_id, attempts: attempt, ms: Date.now() - started };
        }
        if (res.status !== 503) throw new Error(`unexpected ${res.status}: ${res.text}`);
      } catch (err) {
        // fetch's network errors (a TypeError of Node's realm, not the test's): the gateway went away.
        if ((err as Error).name !== 'TypeError') throw err;
      }
      if (Date.now() - started > 60_000) throw new Error(`no answer for ${idempotencyKey} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('answers every open with a stored session, billed once, through the kills', async () => {
    const until = Date.now() + LOAD_MS;
    const kills = (async () => {
      await new Promise((r) => setTimeout(r, KILL_AT_MS));
      await Promise.all([
        sys.system.stopProcess(sys.system.find('worker-2'), 'SIGTERM'),
        sys.system.stopProcess(sys.system.find('gateway-2'), 'SIGKILL'),
        sys.system.stopProcess(sys.system.find('session-2'), 'SIGKILL'),
      ]);
    })();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; Date.now() < until; n++) outcomes.push(await openUntilAnswered(client + n));
      }),
    );
    await kills;
    longestMs = Math.max(...outcomes.map((o) => o.ms));

    expect(new Set(outcomes.map((o) => o.key)).size).toBe(outcomes.length);
    const answered = [...new Set(outcomes.map((o) => o.sessionId))];
    expect(answered).toHaveLength(outcomes.length); // one session per key, however many attempts
    await eventually(
      async () => {
        const rows = await sys.query<{ n: string }>(`SELECT count(*) AS n FROM session.sessions WHERE id = ANY($1)`, [
          answered,
        ]);
        return Number(rows[0].n) === answered.length ? true : undefined;
      },
      20_000,
      'every answered session stored',
    );
    // Every stored session billed exactly once; the ledger has no call without its session.
    // (An open whose gateway died after the broker confirmed it but before it answered is a
    // session nobody heard of: stored and billed like any other.)
    const settle = async () => {
      const [sessions, calls] = await Promise.all([
        sys.query<{ id: string }>(`SELECT id FROM session.sessions WHERE tenant_id = $1`, [tenantId]),
        sys.query<{ session_id: string; n: string }>(
          `SELECT session_id, count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1 GROUP BY session_id`,
          [tenantId],
        ),
      ]);
      return sessions.length === calls.length ? { sessions, calls } : undefined;
    };
    const { sessions, calls } = await eventually(settle, 20_000, 'ledger caught up with the sessions');
    expect(calls.filter((c) => Number(c.n) !== 1)).toEqual([]);
    // Such unheard sessions are at most the opens the killed gateway had in flight.
    expect(sessions.length - answered.length).toBeGreaterThanOrEqual(0);
    expect(sessions.length - answered.length).toBeLessThanOrEqual(CLIENTS);
    expect(new Set(calls.map((c) => c.session_id))).toEqual(new Set(sessions.map((s) => s.id)));
    const retried = outcomes.filter((o) => o.attempts > 1).length;
    process.stdout.write(
      `replicas: ${outcomes.length} opens answered 201 (${retried} after a retry), ${sessions.length} sessions ` +
        `stored, ${calls.length} billed calls; longest open ${longestMs} ms\n`,
    );
  }, 120_000);

  it('still ends sessions within 1 s of their expiry, with the surviving workers', async () => {
    const opened = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('POST', `${sys.baseUrl}/v1/documents`, {
          key,
          json: { content_base64: Buffer.from(`short ${i}`).toString('base64'), ttl_seconds: 2 },
        }),
      ),
    );
    for (const res of opened) expect(res.status).toBe(201);
    const ids = opened.map((res) => res.body.session_id as string);
    const ended = await eventually(
      async () => {
        const rows = await sys.query<{ late_ms: number }>(
          `SELECT extract(epoch FROM closed_at - expires_at) * 1000 AS late_ms FROM session.sessions
           WHERE id = ANY($1) AND status = 'expired'`,
          [ids],
        );
        return rows.length === ids.length ? rows : undefined;
      },
      15_000,
      'all 20 short sessions expired',
    );
    expect(Math.max(...ended.map((r) => Number(r.late_ms)))).toBeLessThan(1_000);
  }, 30_000);

  it('runs one purge per interval with the surviving workers, never two at once', async () => {
    const windowStart = new Date();
    const windowSeconds = 5 * PURGE_INTERVAL_SECONDS;
    await new Promise((r) => setTimeout(r, windowSeconds * 1000));
    const runs = await sys.query<{ started_at: Date; finished_at: Date | null }>(
      `SELECT started_at, finished_at FROM session.purge_runs
       WHERE trigger = 'schedule' AND started_at >= $1 AND started_at < $2 ORDER BY started_at`,
      [windowStart, new Date(windowStart.getTime() + windowSeconds * 1000)],
    );
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at!.getTime());
    }
  }, 30_000);

  describe('with the killed gateway back', () => {
    beforeAll(async () => {
      const killed = sys.system.processes.find((p) => p.spec.name === 'gateway-2')!.spec;
      await sys.system.start([killed]);
    }, 120_000);

    it('refuses a key revoked on one gateway at once on the other', async () => {
      const created = await api('POST', `${sys.gatewayUrl('gateway')}/v1/admin/tenants/${tenantId}/keys`, {
        key: adminToken,
      });
      expect(created.status).toBe(201);
      const other = sys.gatewayUrl('gateway-2');
      expect((await api('GET', `${other}/v1/usage`, { key: created.body.api_key })).status).toBe(200);
      const revoked = await api('DELETE', `${sys.gatewayUrl('gateway')}/v1/admin/keys/${created.body.key_id}`, {
        key: adminToken,
      });
      expect(revoked.status).toBe(200);
      const refused = await api('GET', `${other}/v1/usage`, { key: created.body.api_key });
      expect(refused.status).toBe(401);
    });

    it('lets exactly 11 of 12 concurrent opens through a quota of 10 + 10 %, split over both gateways', async () => {
      const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
        key: adminToken,
        json: { name: 'small plan', usage_limit: 10, grace_percent: 10 },
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api('POST', `${gateways()[i % 2]}/v1/documents`, {
            key: tenant.body.api_key,
            json: { content_base64: Buffer.from(`quota ${i}`).toString('base64') },
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(11).fill(201), 429]);
      expect(results.find((r) => r.status === 429)!.body.error.code).toBe('usage_exceeded');
    });
  });
});
