import { createHmac } from 'node:crypto';
import { api, eventually, newTenant, openText } from './support/api';
import { publishEvent } from './support/bus';
import { billedCalls, periodAgo, webhookReceiver } from './support/billing';
import { eventQueuesDrained } from './support/bus';
import { query } from './support/database';
import { storedSessionCreated } from './support/events';
import { e2eState } from './support/state';

const alertsOf = async (key: string) => (await api('GET', '/v1/usage/alerts', { key })).body.alerts as any[];
/** Waits for the 75, 90 and 100 % alerts of a tenant. */
const threeAlerts = (key: string) =>
  eventually(
    async () => {
      const list = await alertsOf(key);
      return list.length === 3 ? list : undefined;
    },
    10_000,
    'three alerts',
  );

describe('usage alerts at 75, 90 and 100 %', () => {
  it('fires each threshold once, lists it, and delivers it signed, retrying after a failure', async () => {
    const hooks = await webhookReceiver((i) => (i === 0 ? 500 : 204)); // the first delivery fails
    try {
      const t = await newTenant({ usage_limit: 10, webhook_url: hooks.url });
      const sessions: string[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await openText(t.api_key, `alerting ${i}`);
        expect(res.status).toBe(201);
        sessions.push(res.body.session_id);
        await billedCalls(t.tenant_id, i + 1); // one at a time, so each crossing is its own batch
      }
      const alerts = await threeAlerts(t.api_key);
      const period = periodAgo(0).start.toISOString();
      expect(alerts.map((a) => [a.threshold_percent, a.usage_at_fire, a.period_start])).toEqual([
        [75, 8, period],
        [90, 9, period],
        [100, 10, period],
      ]);
      for (const a of alerts)
        expect(Object.keys(a).sort()).toEqual(['fired_at', 'period_start', 'threshold_percent', 'usage_at_fire']);

      const delivered = await eventually(
        async () => (hooks.received.filter((r) => r.status === 204).length === 3 ? hooks.received : undefined),
        15_000,
        'three successful deliveries',
      );
      expect(delivered).toHaveLength(4);
      for (const hook of delivered) {
        const expected = `sha256=${createHmac('sha256', t.webhook_secret).update(hook.body).digest('hex')}`;
        expect(hook.headers['x-docsession-signature']).toBe(expected);
        expect(hook.headers['content-type']).toBe('application/json');
        const body = JSON.parse(hook.body.toString());
        expect(body).toMatchObject({ type: 'usage.alert', tenant_id: t.tenant_id, period_start: period });
        expect(hook.headers['x-docsession-delivery']).toBe(body.alert_id);
      }
      // The failed attempt was retried with the same body.
      const retried = delivered.filter((h) => h.body.equals(delivered[0].body));
      expect(retried.map((h) => h.status)).toEqual([500, 204]);
      const thresholds = delivered
        .filter((h) => h.status === 204)
        .map((h) => JSON.parse(h.body.toString()).threshold_percent);
      expect(thresholds.sort((a, b) => a - b)).toEqual([75, 90, 100]);
      await eventually(
        async () => {
          const rows = await query(
            'SELECT count(*) AS n FROM metering.usage_alerts WHERE tenant_id = $1 AND delivered_at IS NOT NULL',
            [t.tenant_id],
          );
          return Number(rows[0].n) === 3 ? true : undefined;
        },
        5_000,
        'deliveries recorded',
      );

      // Redelivered events and more usage fire nothing new.
      await publishEvent('session.created', await storedSessionCreated(sessions[9]), 20);
      await eventQueuesDrained();
      expect(await alertsOf(t.api_key)).toEqual(alerts);
      await new Promise((r) => setTimeout(r, 500));
      expect(hooks.received).toHaveLength(4);
    } finally {
      await hooks.close();
    }
  });

  it('fires each threshold once, however the calls that cross it are batched', async () => {
    const t = await newTenant({ usage_limit: 4 });
    await Promise.all(Array.from({ length: 4 }, (_, i) => openText(t.api_key, `batch ${i}`)));
    await billedCalls(t.tenant_id, 4);
    const alerts = await threeAlerts(t.api_key);
    expect(alerts.map((a) => a.threshold_percent)).toEqual([75, 90, 100]);
    const rows = await query('SELECT threshold_percent FROM metering.usage_alerts WHERE tenant_id = $1', [t.tenant_id]);
    expect(rows).toHaveLength(3);
  });

  it('fires on the next call after a plan change puts usage past a threshold', async () => {
    const t = await newTenant({ usage_limit: 100 });
    for (let i = 0; i < 3; i++) await openText(t.api_key, `small ${i}`);
    await billedCalls(t.tenant_id, 3);
    expect(await alertsOf(t.api_key)).toEqual([]);
    await api('PATCH', `/v1/admin/tenants/${t.tenant_id}/plan`, {
      key: e2eState().adminToken,
      json: { usage_limit: 4 },
    });
    await openText(t.api_key, 'now at 100 %');
    await billedCalls(t.tenant_id, 4);
    const alerts = await threeAlerts(t.api_key);
    expect(alerts.map((a) => [a.threshold_percent, a.usage_at_fire])).toEqual([
      [75, 4],
      [90, 4],
      [100, 4],
    ]);
    // No webhook_url: listed, and nothing delivered.
    await new Promise((r) => setTimeout(r, 300));
    const delivered = await query(
      'SELECT id FROM metering.usage_alerts WHERE tenant_id = $1 AND delivered_at IS NOT NULL',
      [t.tenant_id],
    );
    expect(delivered).toEqual([]);
  });

  it('never shows one tenant another tenant’s alerts, and needs a key', async () => {
    const quiet = await newTenant();
    expect(await alertsOf(quiet.api_key)).toEqual([]);
    expect((await api('GET', '/v1/usage/alerts')).status).toBe(401);
  });
});
