import { api } from './support/api';
import { e2eState } from './support/state';

describe('probes and docs', () => {
  it.each(['gateway', 'session', 'metering', 'worker'] as const)(
    '%s answers /healthz, /readyz and /metrics',
    async (service) => {
      const port = e2eState().ports[service];
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { postgres: 'ok', redis: 'ok', rabbitmq: 'ok' },
      });
      // The gateway's asks for the admin token (see metrics.e2e-spec.ts).
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: service === 'gateway' ? { authorization: `Bearer ${e2eState().adminToken}` } : {},
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('docsession_process_resident_memory_bytes');
    },
  );

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await api('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/v1/documents'].post).toBeDefined();
    const ui = await api('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
