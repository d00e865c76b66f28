import { Redis } from 'ioredis';
import { api, eventually, newTenant, openText } from './support/api';
import { billedCalls, periodAgo, usageReaches } from './support/billing';
import { eventQueuesDrained } from './support/bus';
import { countRows, query } from './support/database';
import { e2eState } from './support/state';

const statuses = (responses: { status: number }[]) => responses.map((r) => r.status).sort((a, b) => a - b);
const admin = () => e2eState().adminToken;

function expectUsageExceeded(res: { status: number; body: any }) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 429, code: 'usage_exceeded' });
}

describe('usage limit at the edge: limit plus grace, atomically', () => {
  it('lets 11 opens through on a limit of 10 with 10 % grace, refuses the 12th and bills 11', async () => {
    const t = await newTenant({ usage_limit: 10 });
    for (let i = 0; i < 11; i++) expect((await openText(t.api_key, `open ${i}`)).status).toBe(201);
    const refused = await openText(t.api_key, 'one too many');
    expectUsageExceeded(refused);
    expect(refused.body.error.details).toMatchObject({ limit_with_grace: 11, period: periodAgo(0).label });
    await billedCalls(t.tenant_id, 11);
    await eventQueuesDrained();
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(11);
    expect(await countRows('session.documents', 'tenant_id = $1', [t.tenant_id])).toBe(11);
    const usage = await usageReaches(t.api_key, 11);
    expect(usage).toMatchObject({
      status: 'blocked',
      remaining_usage_limit: 0,
      plan: { usage_limit: 10, grace_percent: 10 },
    });
  });

  it('does not overshoot when the 12 opens come at once', async () => {
    const t = await newTenant({ usage_limit: 10 });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => openText(t.api_key, `burst ${i}`)));
    expect(statuses(answers)).toEqual([...Array(11).fill(201), 429]);
    expectUsageExceeded(answers.find((a) => a.status === 429)!);
    await billedCalls(t.tenant_id, 11);
    await eventQueuesDrained();
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(11);
  });

  it('does not overshoot across two gateways either', async () => {
    const t = await newTenant({ usage_limit: 20, grace_percent: 0 });
    const answers = await Promise.all(
      Array.from({ length: 36 }, (_, i) =>
        api('POST', '/v1/documents', { key: t.api_key, openGateway: i % 2 === 1, json: { content_base64: 'aGk=' } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(16);
    await billedCalls(t.tenant_id, 20);
  });

  it('counts and enforces joins too', async () => {
    const t = await newTenant({ usage_limit: 2, grace_percent: 0 });
    const opened = await openText(t.api_key, 'shared');
    expect(opened.status).toBe(201);
    const join = await api('POST', `/v1/documents/${opened.body.document_id}/sessions`, { key: t.api_key, json: {} });
    expect(join.status).toBe(201);
    expectUsageExceeded(
      await api('POST', `/v1/documents/${opened.body.document_id}/sessions`, { key: t.api_key, json: {} }),
    );
    expectUsageExceeded(await openText(t.api_key, 'no more'));
    await billedCalls(t.tenant_id, 2);
    const kinds = await countRows('metering.billable_calls', "tenant_id = $1 AND kind = 'join'", [t.tenant_id]);
    expect(kinds).toBe(1);
  });

  it('gives the reservation back when an open fails, so failures never use up the limit', async () => {
    const t = await newTenant({ usage_limit: 2, grace_percent: 0 });
    for (let i = 0; i < 3; i++) {
      expect(
        (await api('POST', '/v1/documents', { key: t.api_key, json: { content_base64: 'aGk=', colour: 'red' } }))
          .status,
      ).toBe(400);
      expect(
        (await api('POST', '/v1/documents', { key: t.api_key, body: 'x', headers: { 'content-type': 'text/plain' } }))
          .status,
      ).toBe(415);
      expect(
        (await api('POST', `/v1/documents/${crypto.randomUUID()}/sessions`, { key: t.api_key, json: {} })).status,
      ).toBe(404);
      expect(
        (await api('POST', '/v1/documents', { key: t.api_key, json: { url: 'http://127.0.0.1:1/x' } })).status,
      ).toBe(422);
    }
    expect((await openText(t.api_key, 'first')).status).toBe(201);
    expect((await openText(t.api_key, 'second')).status).toBe(201);
    expectUsageExceeded(await openText(t.api_key, 'third'));
  });

  it('refuses everything on a zero limit, and nothing is stored', async () => {
    const t = await newTenant({ usage_limit: 0 });
    expectUsageExceeded(await openText(t.api_key, 'nope'));
    const form = new FormData();
    form.append('file', new Blob(['multipart nope']), 'a.txt');
    expectUsageExceeded(await api('POST', '/v1/documents', { key: t.api_key, body: form }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await countRows('session.documents', 'tenant_id = $1', [t.tenant_id])).toBe(0);
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(0);
  });

  it('applies a plan change to the very next open, both ways', async () => {
    const t = await newTenant({ usage_limit: 1, grace_percent: 0 });
    expect((await openText(t.api_key, 'one')).status).toBe(201);
    expectUsageExceeded(await openText(t.api_key, 'two'));

    const raised = await api('PATCH', `/v1/admin/tenants/${t.tenant_id}/plan`, {
      key: admin(),
      json: { usage_limit: 3, name: 'bigger' },
    });
    expect(raised.status).toBe(200);
    expect(raised.body).toEqual({ tenant_id: t.tenant_id, name: 'bigger', usage_limit: 3, grace_percent: 0 });
    expect((await openText(t.api_key, 'two')).status).toBe(201);
    expect(
      (await api('POST', '/v1/documents', { key: t.api_key, openGateway: true, json: { content_base64: 'aGk=' } }))
        .status,
    ).toBe(201);

    const lowered = await api('PATCH', `/v1/admin/tenants/${t.tenant_id}/plan`, {
      key: admin(),
      json: { usage_limit: 2 },
    });
    expect(lowered.body).toMatchObject({ name: 'bigger', usage_limit: 2, grace_percent: 0 });
    expectUsageExceeded(await openText(t.api_key, 'four'));
    expectUsageExceeded(
      await api('POST', '/v1/documents', { key: t.api_key, openGateway: true, json: { content_base64: 'aGk=' } }),
    );

    const usage = await usageReaches(t.api_key, 3);
    expect(usage).toMatchObject({ plan: { name: 'bigger', usage_limit: 2, grace_percent: 0 }, status: 'blocked' });
  });

  it('answers plan changes with the contract’s errors', async () => {
    const t = await newTenant();
    const patch = (id: string, json: unknown, key: string | null = admin()) =>
      api('PATCH', `/v1/admin/tenants/${id}/plan`, { key, json });
    expect((await patch(crypto.randomUUID(), { usage_limit: 5 })).body.error.code).toBe('not_found');
    expect((await patch('not-a-uuid', { usage_limit: 5 })).status).toBe(404);
    for (const bad of [
      {},
      { usage_limit: -1 },
      { usage_limit: 1.5 },
      { grace_percent: 1001 },
      { name: '' },
      { colour: 'red' },
    ]) {
      const res = await patch(t.tenant_id, bad);
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({
        bad,
        status: 400,
        code: 'invalid_request',
      });
    }
    expect((await patch(t.tenant_id, { usage_limit: 5 }, null)).status).toBe(401);
    expect((await patch(t.tenant_id, { usage_limit: 5 }, t.api_key)).status).toBe(401);
    expect((await patch(t.tenant_id, { grace_percent: 25 })).body).toMatchObject({
      usage_limit: 50_000,
      grace_percent: 25,
    });
  });

  it('reports ok, warning, over_limit and blocked as usage grows', async () => {
    const t = await newTenant({ usage_limit: 4, grace_percent: 50 }); // blocked at 6
    expect((await api('GET', '/v1/usage', { key: t.api_key })).body).toMatchObject({
      tenant_id: t.tenant_id,
      total_usage: 0,
      remaining_usage_limit: 4,
      status: 'ok',
      period: { start: periodAgo(0).start.toISOString(), end_exclusive: periodAgo(0).endExclusive.toISOString() },
    });
    const seen: string[] = [];
    for (let n = 1; n <= 6; n++) {
      expect((await openText(t.api_key, `n${n}`)).status).toBe(201);
      const usage = await usageReaches(t.api_key, n);
      seen.push(`${n}:${usage.status}:${usage.remaining_usage_limit}`);
    }
    expect(seen).toEqual(['1:ok:3', '2:ok:2', '3:warning:1', '4:warning:0', '5:over_limit:0', '6:blocked:0']);
    expectUsageExceeded(await openText(t.api_key, 'n7'));
  });

  it('reads a plan changed behind the gateways’ back once their copy is stale', async () => {
    const t = await newTenant({ usage_limit: 1, grace_percent: 0 });
    expect((await openText(t.api_key, 'one')).status).toBe(201);
    // Changed in metering directly, not through the admin API: the shared copy still says 1.
    await query('UPDATE metering.plans SET usage_limit = 3, version = version + 1 WHERE tenant_id = $1', [t.tenant_id]);
    expectUsageExceeded(await openText(t.api_key, 'copy still fresh'));
    const redis = new Redis(e2eState().env.REDIS_URL!);
    const planKey = `{${e2eState().env.NAMESPACE}}:quota-plan:${t.tenant_id}`;
    try {
      await redis.hset(planKey, 'fresh_until', '0'); // as if QUOTA_PLAN_CACHE_SECONDS had passed
      expect((await openText(t.api_key, 'refreshed before refusing')).status).toBe(201);
      expect(await redis.hget(planKey, 'hard')).toBe('3');
      // A stale copy that admits is refreshed in the background.
      await query('UPDATE metering.plans SET usage_limit = 10, version = version + 1 WHERE tenant_id = $1', [
        t.tenant_id,
      ]);
      await redis.hset(planKey, 'fresh_until', '0');
      expect((await openText(t.api_key, 'admitted on the stale copy')).status).toBe(201);
      await eventually(
        async () => ((await redis.hget(planKey, 'hard')) === '10' ? true : undefined),
        5_000,
        'copy refreshed',
      );
    } finally {
      redis.disconnect();
    }
  });

  it('seeds a lost reservation counter from the ledger (Redis flushed)', async () => {
    const t = await newTenant({ usage_limit: 3, grace_percent: 0 });
    for (let i = 0; i < 3; i++) expect((await openText(t.api_key, `before flush ${i}`)).status).toBe(201);
    await usageReaches(t.api_key, 3);
    const redis = new Redis(e2eState().env.REDIS_URL!);
    try {
      const keys = await redis.keys(`{${e2eState().env.NAMESPACE}}:quota*:${t.tenant_id}*`);
      expect(keys.length).toBe(2);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    expectUsageExceeded(await openText(t.api_key, 'after flush'));
  });
});
