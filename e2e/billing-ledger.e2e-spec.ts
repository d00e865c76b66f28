import { api, eventually, newTenant, openText } from './support/api';
import { publishEvent } from './support/bus';
import { billedCalls, periodAgo, syntheticSessionCreated } from './support/billing';
import { eventQueuesDrained } from './support/bus';
import { countRows, query } from './support/database';
import { storedSessionCreated } from './support/events';

describe('the ledger: one row per billable call, in the month of its occurred_at', () => {
  it('bills 1,000 deliveries of one event as one call', async () => {
    const t = await newTenant();
    const res = await openText(t.api_key, 'delivered a thousand times');
    await billedCalls(t.tenant_id, 1);
    await eventually(
      async () => ((await countRows('session.sessions', 'id = $1', [res.body.session_id])) === 1 ? true : undefined),
      10_000,
      'session stored',
    );
    const event = await storedSessionCreated(res.body.session_id);

    await publishEvent('session.created', event, 1_000);
    const sentinel = await openText(t.api_key, 'after the flood');
    await billedCalls(t.tenant_id, 2, 30_000);
    await eventQueuesDrained();

    expect(await countRows('metering.billable_calls', 'event_id = $1', [res.body.session_id])).toBe(1);
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(2);
    const [counter] = await query<{ total: string }>(
      'SELECT total FROM metering.usage_counters WHERE tenant_id = $1 AND period_start = $2',
      [t.tenant_id, `${periodAgo(0).label}-01`],
    );
    expect(Number(counter.total)).toBe(2);
    expect((await api('GET', '/v1/usage', { key: t.api_key })).body.total_usage).toBe(2);
    expect(sentinel.status).toBe(201);
  });

  it('puts 23:59:59.999Z and 00:00:00.000Z on either side of a month boundary', async () => {
    const t = await newTenant();
    const before = periodAgo(2);
    const after = periodAgo(1);
    const lastMillisecond = new Date(after.start.getTime() - 1).toISOString();
    const firstMillisecond = after.start.toISOString();
    expect(lastMillisecond).toMatch(/T23:59:59\.999Z$/);
    expect(firstMillisecond).toMatch(/T00:00:00\.000Z$/);
    const late = syntheticSessionCreated(t.tenant_id, lastMillisecond);
    const early = syntheticSessionCreated(t.tenant_id, firstMillisecond);
    await publishEvent('session.created', late);
    await publishEvent('session.created', early);
    await billedCalls(t.tenant_id, 2);

    const rows = await query<{ event_id: string; period_start: string }>(
      `SELECT event_id, to_char(period_start, 'YYYY-MM-DD') AS period_start FROM metering.billable_calls WHERE tenant_id = $1`,
      [t.tenant_id],
    );
    expect(Object.fromEntries(rows.map((r) => [r.event_id, r.period_start]))).toEqual({
      [late.eventId]: `${before.label}-01`,
      [early.eventId]: `${after.label}-01`,
    });
    const counters = await query<{ period_start: string; total: string }>(
      `SELECT to_char(period_start, 'YYYY-MM') AS period_start, total FROM metering.usage_counters WHERE tenant_id = $1 ORDER BY 1`,
      [t.tenant_id],
    );
    expect(counters.map((c) => [c.period_start, Number(c.total)])).toEqual([
      [before.label, 1],
      [after.label, 1],
    ]);

    const exportOf = async (label: string) =>
      (await api('GET', `/v1/usage/export?period=${label}&format=csv`, { key: t.api_key })).text
        .trim()
        .split('\n')
        .slice(1);
    const [beforeRows, afterRows] = [await exportOf(before.label), await exportOf(after.label)];
    expect(beforeRows).toHaveLength(1);
    expect(beforeRows[0]).toContain(`${late.eventId},${lastMillisecond},`);
    expect(afterRows).toHaveLength(1);
    expect(afterRows[0]).toContain(`${early.eventId},${firstMillisecond},`);
    // Neither counts in the current period.
    expect((await api('GET', '/v1/usage', { key: t.api_key })).body.total_usage).toBe(0);
  });
});
