import { entryOf } from '@docsession/local-instance';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { api, eventually, newTenant, openText } from './support/api';
import { scrape, seriesValue } from './support/metrics';
import { e2eState } from './support/state';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const basic = (password: string) => `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}`;

describe('metrics (API.md "Operations")', () => {
  const { ports, adminToken } = e2eState();
  let key: string;

  beforeAll(async () => {
    key = (await newTenant()).api_key;
  });

  it("the gateway's /metrics answers only with the admin token, as Bearer or as a Basic password", async () => {
    const url = `http://127.0.0.1:${ports.gateway}/metrics`;
    const without = await api('GET', url);
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('unauthorized');
    expect((await api('GET', url, { headers: { authorization: 'Bearer not-the-admin-token' } })).status).toBe(401);
    expect((await api('GET', url, { headers: { authorization: basic('not-the-admin-token') } })).status).toBe(401);
    const bearer = await api('GET', url, { key: adminToken });
    expect(bearer.status).toBe(200);
    expect(bearer.text).toContain('docsession_process_resident_memory_bytes');
    expect((await api('GET', url, { headers: { authorization: basic(adminToken) } })).status).toBe(200);
  });

  it('an open moves the gateway, session, metering and worker series API.md names', async () => {
    const before = {
      gateway: await scrape(ports.gateway, adminToken),
      session: await scrape(ports.session),
      metering: await scrape(ports.metering),
      worker: await scrape(ports.worker),
    };
    const opened = await openText(key, 'counted', { ttl_seconds: 3600 });
    expect(opened.status).toBe(201);
    const refused = await api('POST', '/v1/documents', { key, json: { content_base64: 'aGk=', mode: 'both' } });
    expect(refused.status).toBe(400);

    const gateway = await scrape(ports.gateway, adminToken);
    const opens = (text: string, result: string) =>
      seriesValue(text, 'docsession_opens_total', { service: 'gateway', result });
    expect(opens(gateway, 'created') - opens(before.gateway, 'created')).toBe(1);
    expect(opens(gateway, 'invalid_request') - opens(before.gateway, 'invalid_request')).toBe(1);
    const posts = (text: string) =>
      seriesValue(text, 'docsession_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/documents',
        status: '201',
      });
    expect(posts(gateway) - posts(before.gateway)).toBe(1);
    // Route templates, never ids: no label value holds a UUID.
    expect(gateway).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/);

    // Metering bills it once; the worker's Redis counts show its expiry job waiting.
    const billed = (text: string) => seriesValue(text, 'docsession_billable_calls_total', { service: 'metering' });
    await eventually(
      async () => (billed(await scrape(ports.metering)) - billed(before.metering) === 1 ? true : undefined),
      10_000,
      'the billable call counted',
    );
    const delayed = (text: string) =>
      seriesValue(text, 'docsession_queue_jobs', { service: 'worker', queue: 'session-expiry', state: 'delayed' });
    await eventually(
      async () => (delayed(await scrape(ports.worker)) > delayed(before.worker) ? true : undefined),
      10_000,
      'the expiry job counted as delayed',
    );

    // Ending it (DELETE) ends a session and removes the content: both counted where it happens.
    expect((await api('DELETE', `/v1/sessions/${opened.body.session_id}`, { key })).status).toBe(200);
    const session = await scrape(ports.session);
    const ended = (text: string) =>
      seriesValue(text, 'docsession_sessions_ended_total', { service: 'session', reason: 'deleted_by_api' });
    expect(ended(session) - ended(before.session)).toBe(1);
    const removals = (text: string) => seriesValue(text, 'docsession_content_removal_lag_seconds_count');
    expect(removals(session) - removals(before.session)).toBe(1);
    // Removed at once: the observation falls in the 1 s bucket.
    const withinSecond = (text: string) =>
      seriesValue(text, 'docsession_content_removal_lag_seconds_bucket', { le: '1' });
    expect(withinSecond(session) - withinSecond(before.session)).toBe(1);

    for (const text of [session, before.metering]) {
      expect(text).toContain('# TYPE docsession_dead_letters_total counter');
    }
  });

  it('with METRICS_PORT a gateway serves /metrics there without a token, and still asks for it on PORT', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const child = spawn(process.execPath, [entryOf('gateway')], {
      env: { ...e2eState().env, PORT: String(port), METRICS_PORT: String(metricsPort) },
      stdio: 'ignore',
    });
    try {
      await eventually(
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok ? true : undefined),
        60_000,
        'the gateway ready',
        200,
      );
      const open = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(open.status).toBe(200);
      expect(await open.text()).toContain('docsession_http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
