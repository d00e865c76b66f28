import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  type IsolatedEnvironment,
} from '@docsession/local-instance';
import { busNames } from '@docsession/platform';
import * as amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { E2E_SETTINGS } from './support/environment';

/**
 * The open path's invariants while services die: its own instance (so killing a
 * process does not disturb the other specs), opens under concurrent load, and in the
 * middle of it `kill -9` of each service in turn and the instance's Redis keys deleted.
 * Afterwards every session that exists is billed exactly once, nothing else is billed,
 * and every 201 names a session that exists.
 */
describe('invariants under kill -9 and a Redis flush', () => {
  let t: IsolatedEnvironment;
  let system: LocalSystem;
  let db: Client;

  beforeAll(async () => {
    t = await newIsolatedEnvironment('chaos', E2E_SETTINGS);
    system = new LocalSystem(t.env, () => undefined);
    await system.migrate();
    await system.start(defaultProcesses(t.ports));
    db = new Client({ connectionString: t.env.DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await system?.stop();
    if (t) await removeIsolatedResources(t.env);
  });

  async function restart(name: string): Promise<void> {
    const running = system.find(name);
    await system.stopProcess(running, 'SIGKILL');
    system.launch(running.spec);
    await system.waitReady(running.spec, 60_000);
  }

  async function flushRedisNamespace(): Promise<void> {
    const redis = new Redis(t.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `{${t.env.NAMESPACE}}*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }

  async function queuesDrained(): Promise<boolean> {
    const connection = await amqp.connect(t.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    try {
      const channel = await connection.createChannel();
      const names = busNames({ NAMESPACE: t.env.NAMESPACE! });
      const counts = await Promise.all(
        (['session', 'metering'] as const).map(
          async (s) => (await channel.checkQueue(names.eventQueue(s))).messageCount,
        ),
      );
      await channel.close();
      return counts.every((n) => n === 0);
    } finally {
      await connection.close();
    }
  }

  it('bills every created session exactly once and nothing else', async () => {
    const base = `http://127.0.0.1:${t.ports.gateway}`;
    const tenantRes = await fetch(`${base}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'chaos', usage_limit: 1_000_000 }),
    });
    const { tenant_id: tenantId, api_key: key } = (await tenantRes.json()) as { tenant_id: string; api_key: string };

    const created = new Set<string>();
    const outcomes = new Map<string, number>();
    let stop = false;
    const body = JSON.stringify({ content_base64: Buffer.from('chaos').toString('base64') });
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) {
          try {
            const res = await fetch(`${base}/v1/documents`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body,
              signal: AbortSignal.timeout(10_000),
            });
            const text = await res.text();
            outcomes.set(String(res.status), (outcomes.get(String(res.status)) ?? 0) + 1);
            if (res.status === 201) created.add((JSON.parse(text) as { session_id: string }).session_id);
          } catch {
            // The gateway died mid-request: the client cannot know whether it opened.
            outcomes.set('network', (outcomes.get('network') ?? 0) + 1);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }),
    );

    const pause = () => new Promise((r) => setTimeout(r, 700));
    await pause();
    await restart('metering');
    await pause();
    await restart('session');
    await pause();
    await flushRedisNamespace();
    await pause();
    await restart('worker');
    await pause();
    await restart('gateway');
    await pause();
    stop = true;
    await load;

    for (let i = 0; i < 200 && !(await queuesDrained()); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000)); // in-flight batches commit and ack

    const sessions = (await db.query('SELECT id FROM session.sessions WHERE tenant_id = $1', [tenantId])).rows.map(
      (r: { id: string }) => r.id,
    );
    const calls = (
      await db.query('SELECT event_id, count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1 GROUP BY 1', [
        tenantId,
      ])
    ).rows as { event_id: string; n: string }[];
    const billed = new Set(calls.map((c) => c.event_id));

    expect(created.size).toBeGreaterThan(20); // the load really ran
    expect([...created].filter((id) => !sessions.includes(id))).toEqual([]); // every 201 exists
    expect(sessions.filter((id) => !billed.has(id))).toEqual([]); // every session billed
    expect(calls.filter((c) => !sessions.includes(c.event_id))).toEqual([]); // nothing else billed
    expect(calls.filter((c) => Number(c.n) !== 1)).toEqual([]); // exactly once
    const counter = await db.query('SELECT sum(total) AS total FROM metering.usage_counters WHERE tenant_id = $1', [
      tenantId,
    ]);
    expect(Number(counter.rows[0].total)).toBe(sessions.length);
    process.stdout.write(
      `chaos: ${created.size} opens answered 201, ${sessions.length} sessions, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}\n`,
    );
  });
});
