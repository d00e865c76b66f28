import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  type IsolatedEnvironment,
} from '@docsession/local-instance';
import { api, eventually } from './support/api';
import { E2E_SETTINGS } from './support/environment';
import { FaultProxy } from './support/fault-proxy';

/**
 * What a client sees of an outage: which dependency is down, never why. A system of its own
 * whose gateway reaches Redis and RabbitMQ through proxies the test can cut or blackhole, so
 * only this gateway loses them.
 */
describe('answers during an outage', () => {
  let t: IsolatedEnvironment;
  let system: LocalSystem;
  let redis: FaultProxy;
  let broker: FaultProxy;
  const logs: string[] = [];
  let base: string;
  let key: string;

  beforeAll(async () => {
    t = await newIsolatedEnvironment('outage', { ...E2E_SETTINGS, PUBLISH_TIMEOUT_MS: '1000' });
    const redisUrl = new URL(t.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    const amqpUrl = new URL(t.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    redis = await FaultProxy.start(redisUrl.hostname, Number(redisUrl.port || 6379));
    broker = await FaultProxy.start(amqpUrl.hostname, Number(amqpUrl.port || 5672));
    system = new LocalSystem(t.env, (name, line) => logs.push(`[${name}] ${line}`));
    await system.migrate();
    await system.start(
      defaultProcesses(t.ports).map((p) =>
        p.app === 'gateway'
          ? {
              ...p,
              env: {
                REDIS_URL: FaultProxy.through(redisUrl.href, redis),
                AMQP_URL: FaultProxy.through(amqpUrl.href, broker),
              },
            }
          : p,
      ),
    );
    base = `http://127.0.0.1:${t.ports.gateway}`;
    const tenant = await api('POST', `${base}/v1/admin/tenants`, { key: t.adminToken, json: { name: 'outage' } });
    key = tenant.body.api_key;
  }, 180_000);

  afterAll(async () => {
    redis?.restore();
    broker?.restore();
    await system?.stop();
    await Promise.all([redis?.close(), broker?.close()]);
    if (t) await removeIsolatedResources(t.env);
  }, 60_000);

  const readiness = async () => {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: await res.json() };
  };

  it('/readyz says ok or down per dependency, with the reason only in the log', async () => {
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok', rabbitmq: 'ok' } },
    });
    redis.cut();
    const down = await eventually(
      async () => {
        const r = await readiness();
        return r.status === 503 ? r : undefined;
      },
      10_000,
      '/readyz 503',
    );
    expect(down.body).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', rabbitmq: 'ok' } });
    expect(logs.some((line) => line.startsWith('[gateway]') && line.includes('redis is down'))).toBe(true);

    redis.restore();
    await eventually(async () => ((await readiness()).status === 200 ? true : undefined), 15_000, '/readyz 200');
  }, 40_000);

  it('a 503 names no internal cause', async () => {
    const open = () =>
      api('POST', `${base}/v1/documents`, { key, json: { content_base64: Buffer.from('outage').toString('base64') } });
    expect((await open()).status).toBe(201); // the tenant's quota is seeded: what fails next is the publish
    broker.blackhole();
    const refused = await open();
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(refused.body.error.message).not.toMatch(/timeout|ECONN|127\.0\.0\.1|amqp|error/i);
    expect(logs.some((line) => line.startsWith('[gateway]') && line.includes('was not confirmed'))).toBe(true);
  }, 30_000);
});
