import { readFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, newTenant } from './support/api';
import { publishEvent } from './support/bus';
import { billedCalls, periodAgo, runCli, sha256, syntheticSessionCreated } from './support/billing';
import { query } from './support/database';
import { e2eState } from './support/state';

const HEADER = 'event_id,occurred_at,tenant_id,session_id,document_id,user_id,kind';
const BILLING_HEADER =
  'tenant_id,tenant_name,period_start,period_end_exclusive,usage_limit,billable_calls,overage_calls,ledger_sha256';

/** Exports of a closed period, with awkward values: equal times, CSV-special user ids. */
describe('exports of a closed period', () => {
  const period = periodAgo(3);
  const at = (day: number, time: string) => `${period.label}-${String(day).padStart(2, '0')}T${time}Z`;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  let events: ReturnType<typeof syntheticSessionCreated>[];
  const admin = () => e2eState().adminToken;
  const tenantExport = (format: string, key = t.api_key) =>
    api('GET', `/v1/usage/export?period=${period.label}&format=${format}`, { key });

  beforeAll(async () => {
    t = await newTenant({ name: 'exporter, "quoted"', usage_limit: 2 });
    other = await newTenant({ name: 'bystander' });
    events = [
      syntheticSessionCreated(t.tenant_id, at(20, '10:00:00.000'), { userId: 'plain' }),
      syntheticSessionCreated(t.tenant_id, at(3, '08:30:15.250'), { userId: 'has,comma and "quotes"' }),
      syntheticSessionCreated(t.tenant_id, at(3, '08:30:15.250'), { userId: 'line\nbreak', kind: 'join' }),
      syntheticSessionCreated(t.tenant_id, at(1, '00:00:00.000')),
      syntheticSessionCreated(t.tenant_id, at(28, '23:59:59.999'), { userId: 'ünïcødé' }),
    ];
    for (const e of events) await publishEvent('session.created', e);
    await publishEvent(
      'session.created',
      syntheticSessionCreated(other.tenant_id, at(5, '12:00:00.000'), { userId: 'other' }),
    );
    await billedCalls(t.tenant_id, 5);
    await billedCalls(other.tenant_id, 1);
  });

  const sorted = () =>
    [...events].sort((a, b) =>
      a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : 1,
    );

  it('streams the tenant’s calls as CSV, sorted by occurred_at then event_id, quoting what needs it', async () => {
    const res = await tenantExport('csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="usage-${period.label}.csv"`);
    expect(res.headers.get('x-row-count')).toBe('5');
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const expected = sorted().map((e) =>
      [
        e.eventId,
        e.occurredAt,
        e.tenantId,
        e.session.sessionId,
        e.document.documentId,
        quote(e.session.user?.id ?? ''),
        e.kind,
      ].join(','),
    );
    expect(res.text).toBe(`${HEADER}\n${expected.join('\n')}\n`);
    expect(res.text).not.toContain(other.tenant_id);
  });

  it('gives byte-identical exports of the closed period, in both formats', async () => {
    for (const format of ['csv', 'ndjson']) {
      const first = await tenantExport(format);
      const second = await tenantExport(format);
      expect(Buffer.from(second.text).equals(Buffer.from(first.text))).toBe(true);
      expect(sha256(second.text)).toBe(sha256(first.text));
    }
  });

  it('streams NDJSON with the CSV’s columns in order', async () => {
    const res = await tenantExport('ndjson');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = res.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => Object.keys(l).join(','))).toEqual(Array(5).fill(HEADER));
    expect(lines.map((l) => [l.event_id, l.occurred_at, l.user_id, l.kind])).toEqual(
      sorted().map((e) => [e.eventId, e.occurredAt, e.session.user?.id ?? null, e.kind]),
    );
  });

  it('never shows one tenant another’s calls, and gives a header only for an empty period', async () => {
    const theirs = (await tenantExport('csv', other.api_key)).text;
    expect(theirs.split('\n').filter(Boolean)).toHaveLength(2);
    for (const e of events) expect(theirs).not.toContain(e.eventId);
    const empty = await api('GET', `/v1/usage/export?period=2001-01&format=csv`, { key: t.api_key });
    expect(empty.text).toBe(`${HEADER}\n`);
    expect((await api('GET', `/v1/usage/export?period=2001-01&format=ndjson`, { key: t.api_key })).text).toBe('');
  });

  it('lists every tenant in the billing export, with ledger_sha256 the hash of its CSV export', async () => {
    const csv = await api('GET', `/v1/admin/billing/export?period=${period.label}&format=csv`, { key: admin() });
    expect(csv.status).toBe(200);
    const [header, ...lines] = csv.text.trimEnd().split('\n');
    expect(header).toBe(BILLING_HEADER);
    const ours = lines.find((l) => l.startsWith(t.tenant_id))!;
    const tenantCsv = (await tenantExport('csv')).text;
    expect(ours).toBe(
      [
        t.tenant_id,
        '"exporter, ""quoted"""',
        period.start.toISOString(),
        period.endExclusive.toISOString(),
        2,
        5,
        3,
        sha256(tenantCsv),
      ].join(','),
    );
    const ids = lines.map((l) => l.slice(0, 36));
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain(other.tenant_id);

    const json = await api('GET', `/v1/admin/billing/export?period=${period.label}&format=json`, { key: admin() });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const row = (json.body as any[]).find((r) => r.tenant_id === t.tenant_id);
    expect(row).toEqual({
      tenant_id: t.tenant_id,
      tenant_name: 'exporter, "quoted"',
      period_start: period.start.toISOString(),
      period_end_exclusive: period.endExclusive.toISOString(),
      usage_limit: 2,
      billable_calls: 5,
      overage_calls: 3,
      ledger_sha256: sha256(tenantCsv),
    });
    const quiet = await newTenant();
    const after = await api('GET', `/v1/admin/billing/export?period=${period.label}&format=json`, { key: admin() });
    expect((after.body as any[]).find((r) => r.tenant_id === quiet.tenant_id)).toMatchObject({
      billable_calls: 0,
      overage_calls: 0,
      ledger_sha256: sha256(`${HEADER}\n`),
    });
    const again = await api('GET', `/v1/admin/billing/export?period=${period.label}&format=csv`, { key: admin() });
    expect(again.text.split('\n').find((l) => l.startsWith(t.tenant_id))).toBe(ours);
  });

  it('exports the same bytes with the CLI, with a progress bar on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-export-'));
    const out = join(dir, 'usage.csv');
    const cli = await runCli(['billing', 'export', '--period', period.label, '--out', out, '--tenant', t.tenant_id]);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain(`Exporting 5 rows of ${period.label} to ${out}`);
    expect(cli.stderr).toMatch(/\[#+\] 100% 5 \/ 5 rows/);
    expect(readFileSync(out, 'utf8')).toBe((await tenantExport('csv')).text);
    expect(existsSync(`${out}.partial`)).toBe(false);

    const ndjson = await runCli([
      'billing',
      'export',
      '--period',
      period.label,
      '--format',
      'ndjson',
      '--tenant',
      t.tenant_id,
    ]);
    expect(ndjson.stdout).toBe((await tenantExport('ndjson')).text);

    const all = await runCli(['billing', 'export', '--period', period.label, '--format', 'ndjson']);
    const rows = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.filter((r) => r.tenant_id === other.tenant_id)).toHaveLength(1);
    expect(rows.filter((r) => r.tenant_id === t.tenant_id)).toHaveLength(5);
    const keys = rows.map((r) => `${r.occurred_at} ${r.event_id}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('reconciles: no difference, then finds and fixes a tampered counter', async () => {
    const clean = await runCli(['billing', 'reconcile', '--period', period.label]);
    expect({ code: clean.code, out: clean.stdout.trim() }).toEqual({
      code: 0,
      out: `${period.label}: every counter matches the ledger.`,
    });
    const key = `${period.label}-01`;
    await query('UPDATE metering.usage_counters SET total = total + 2 WHERE tenant_id = $1 AND period_start = $2', [
      t.tenant_id,
      key,
    ]);
    await query('DELETE FROM metering.usage_counters WHERE tenant_id = $1 AND period_start = $2', [
      other.tenant_id,
      key,
    ]);
    const found = await runCli(['billing', 'reconcile', '--period', period.label]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(new RegExp(`${t.tenant_id}\\s+7\\s+5`));
    expect(found.stdout).toMatch(new RegExp(`${other.tenant_id}\\s+\\(none\\)\\s+1`));
    const fixed = await runCli(['billing', 'reconcile', '--period', period.label, '--fix']);
    expect(fixed.code).toBe(0);
    const after = await runCli(['billing', 'reconcile', '--period', period.label]);
    expect(after.code).toBe(0);
    const counters = await query<{ total: string }>(
      'SELECT total FROM metering.usage_counters WHERE tenant_id = ANY($1) AND period_start = $2 ORDER BY total',
      [[t.tenant_id, other.tenant_id], key],
    );
    expect(counters.map((c) => Number(c.total))).toEqual([1, 5]);
  });
});

describe('export requests that cannot be answered', () => {
  it.each([
    ['no period', 'format=csv'],
    ['a month 13', 'period=2026-13&format=csv'],
    ['a month 0', 'period=2026-00&format=csv'],
    ['a short year', 'period=26-11&format=csv'],
    ['a day', 'period=2026-11-01&format=csv'],
    ['a word', 'period=november&format=csv'],
    ['two periods', 'period=2026-10&period=2026-11&format=csv'],
    ['no format', 'period=2026-11'],
    ['an unknown format', 'period=2026-11&format=xml'],
  ])('answers 400 for %s', async (_what, q) => {
    const t = await newTenant();
    const tenant = await api('GET', `/v1/usage/export?${q}`, { key: t.api_key });
    expect({ status: tenant.status, code: tenant.body.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
    const adminQ = q.replace('format=ndjson', 'format=json');
    const admin = await api('GET', `/v1/admin/billing/export?${adminQ}`, { key: e2eState().adminToken });
    expect({ status: admin.status, code: admin.body.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
  });

  it('keeps the formats apart: ndjson is the tenant’s, json the operator’s', async () => {
    const t = await newTenant();
    expect((await api('GET', '/v1/usage/export?period=2026-11&format=json', { key: t.api_key })).status).toBe(400);
    const adminNdjson = await api('GET', '/v1/admin/billing/export?period=2026-11&format=ndjson', {
      key: e2eState().adminToken,
    });
    expect(adminNdjson.status).toBe(400);
  });

  it('needs the right credentials', async () => {
    const t = await newTenant();
    expect((await api('GET', '/v1/usage/export?period=2026-11&format=csv')).status).toBe(401);
    expect((await api('GET', '/v1/admin/billing/export?period=2026-11&format=csv', { key: t.api_key })).status).toBe(
      401,
    );
    expect((await api('GET', '/v1/admin/billing/export?period=2026-11&format=csv')).status).toBe(401);
  });

  it('refuses bad CLI arguments with exit code 2', async () => {
    const cases = [
      ['billing', 'export', '--period', 'nope'],
      ['billing', 'export'],
      ['billing', 'export', '--period', '2026-11', '--format', 'xml'],
      ['billing', 'export', '--period', '2026-11', '--tenant', 'not-a-uuid'],
      ['billing', 'reconcile'],
      ['billing', 'reconcile', '--period', '2026-1'],
    ];
    const results = await Promise.all(cases.map((args) => runCli(args)));
    results.forEach((res, i) => {
      expect({ args: cases[i], code: res.code }).toEqual({ args: cases[i], code: 2 });
      expect(res.stderr).toMatch(/--(period|format|tenant)/);
    });
  });
});
