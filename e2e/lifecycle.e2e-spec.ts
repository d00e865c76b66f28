import { documentPurgedSchema, sessionEndedSchema, sessionOpenedSchema } from '@docsession/contracts';
import { busNames } from '@docsession/platform';
import { api, eventually, newTenant, openText } from './support/api';
import { EventTap } from './support/event-tap';
import { page } from './support/page';
import { e2eState } from './support/state';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('lifecycle events on the bus', () => {
  let tap: EventTap;
  beforeAll(async () => {
    const { env } = e2eState();
    tap = await EventTap.open(env.AMQP_URL!, busNames({ NAMESPACE: env.NAMESPACE! }).eventExchange, [
      'session.opened',
      'session.closed',
      'session.expired',
      'document.purged',
    ]);
  });
  afterAll(() => tap.close());

  it('announces session.opened on the first page load only, then session.closed and document.purged', async () => {
    const tenant = await newTenant();
    const { body: s } = await openText(tenant.api_key, 'watched');
    expect((await page.load(s.document_url)).status).toBe(200);
    expect((await page.load(s.document_url)).status).toBe(200); // a reload is not a second opening

    const opened = await tap.waitFor('session.opened', s.session_id);
    expect(sessionOpenedSchema.parse(opened.data)).toMatchObject({
      tenantId: tenant.tenant_id,
      sessionId: s.session_id,
      documentId: s.document_id,
    });
    const session = await api('GET', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    expect(opened.data.occurredAt).toBe(session.body.opened_at);

    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    const closed = await tap.waitFor('session.closed', s.session_id);
    expect(sessionEndedSchema.parse(closed.data)).toMatchObject({
      tenantId: tenant.tenant_id,
      documentId: s.document_id,
      status: 'closed',
      reason: 'deleted_by_api',
    });
    const purged = await tap.waitFor('document.purged', s.document_id);
    expect(documentPurgedSchema.parse(purged.data)).toMatchObject({ tenantId: tenant.tenant_id });

    await new Promise((r) => setTimeout(r, 300)); // anything late would have arrived by now
    expect(tap.about('session.opened', s.session_id)).toHaveLength(1);
    expect(tap.about('session.closed', s.session_id)).toHaveLength(1);
    expect(tap.about('document.purged', s.document_id)).toHaveLength(1);
  });

  it('announces session.expired and document.purged when the TTL passes', async () => {
    const tenant = await newTenant();
    const { body: s } = await openText(tenant.api_key, 'short', { ttl_seconds: 2 });
    const expired = await tap.waitFor('session.expired', s.session_id, 10_000);
    expect(sessionEndedSchema.parse(expired.data)).toMatchObject({
      documentId: s.document_id,
      status: 'expired',
      reason: 'expired',
    });
    expect(Date.parse(expired.data.occurredAt as string)).toBeGreaterThanOrEqual(Date.parse(s.expires_at));
    await tap.waitFor('document.purged', s.document_id);
  });
});

describe('the audit trail', () => {
  it('lists what happened, oldest first, and keeps it after the content is gone', async () => {
    const tenant = await newTenant();
    const { body: s } = await openText(tenant.api_key, 'audited', { user: { id: 'u-1' } });
    const { body: joined } = await api('POST', `/v1/documents/${s.document_id}/sessions`, {
      key: tenant.api_key,
      json: { mode: 'view' },
    });
    expect(joined.session_id).toBeDefined();
    await page.load(s.document_url);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    await api('DELETE', `/v1/sessions/${joined.session_id}`, { key: tenant.api_key });

    const res = await eventually(
      async () => {
        const r = await api('GET', `/v1/documents/${s.document_id}/events`, { key: tenant.api_key });
        return r.body.events?.length === 6 ? r : undefined;
      },
      10_000,
      'six audit events',
    );
    expect(res.status).toBe(200);
    const events = res.body.events as { at: string; type: string; session_id: string | null; details: any }[];
    expect(events.map((e) => [e.type, e.session_id])).toEqual([
      ['session.created', s.session_id],
      ['session.created', joined.session_id],
      ['session.opened', s.session_id],
      ['session.closed', s.session_id],
      ['session.closed', joined.session_id],
      ['document.purged', null],
    ]);
    for (const e of events) expect(e.at).toMatch(ISO_MS);
    expect([...events.map((e) => e.at)].sort()).toEqual(events.map((e) => e.at));
    expect(events[0].details).toMatchObject({ kind: 'open', mode: 'edit', user: { id: 'u-1' } });
    expect(events[1].details).toMatchObject({ kind: 'join', mode: 'view' });
    expect(events[3].details).toEqual({ reason: 'deleted_by_api' });
    expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key: tenant.api_key })).status).toBe(410);
  });

  it('answers 404 for another tenant’s document and for unknown ids', async () => {
    const owner = await newTenant();
    const other = await newTenant();
    const { body: s } = await openText(owner.api_key, 'private');
    for (const [key, id] of [
      [other.api_key, s.document_id],
      [owner.api_key, '00000000-0000-4000-8000-000000000000'],
      [owner.api_key, 'not-a-uuid'],
    ]) {
      const res = await api('GET', `/v1/documents/${id}/events`, { key });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await api('GET', `/v1/documents/${s.document_id}/events`, {})).status).toBe(401);
  });
});
