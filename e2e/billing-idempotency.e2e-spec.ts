import { api, newTenant, openText } from './support/api';
import { billedCalls } from './support/billing';
import { eventQueuesDrained } from './support/bus';
import { countRows } from './support/database';
import { e2eState } from './support/state';

const withKey = (key: string) => ({ 'idempotency-key': key });

function open(apiKey: string, idempotencyKey: string, text: string, extra: Record<string, unknown> = {}) {
  return api('POST', '/v1/documents', {
    key: apiKey,
    headers: withKey(idempotencyKey),
    json: { content_base64: Buffer.from(text).toString('base64'), document: { name: 'idem.txt' }, ...extra },
  });
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
}

describe('Idempotency-Key on the open endpoints', () => {
  it('bills 40 calls for 40 distinct opens and their 40 replays', async () => {
    const t = await newTenant();
    const keys = Array.from({ length: 40 }, (_, i) => `order-${i}-${crypto.randomUUID()}`);
    const first = await Promise.all(keys.map((k, i) => open(t.api_key, k, `document ${i}`)));
    expect(first.every((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null)).toBe(true);
    const replays = await Promise.all(keys.map((k, i) => open(t.api_key, k, `document ${i}`)));
    replays.forEach((r, i) => {
      expect(r.status).toBe(201);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
      expect(r.headers.get('location')).toBe(first[i].headers.get('location'));
      expect(r.text).toBe(first[i].text);
    });
    await billedCalls(t.tenant_id, 40);
    await eventQueuesDrained();
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(40);
    expect(await countRows('session.sessions', 'tenant_id = $1', [t.tenant_id])).toBe(40);
    expect((await api('GET', '/v1/usage', { key: t.api_key })).body.total_usage).toBe(40);
  });

  it('opens one session for concurrent requests with one key; the others replay it', async () => {
    const t = await newTenant();
    const key = `burst-${crypto.randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => open(t.api_key, key, 'same body')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.session_id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    // Across gateways too: the record is in the shared Redis.
    const elsewhere = await api('POST', '/v1/documents', {
      key: t.api_key,
      openGateway: true,
      headers: withKey(key),
      json: { content_base64: Buffer.from('same body').toString('base64'), document: { name: 'idem.txt' } },
    });
    expect(elsewhere.body.session_id).toBe(answers[0].body.session_id);
    await billedCalls(t.tenant_id, 1);
    await eventQueuesDrained();
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(1);
  });

  it('answers 409 for the same key with a different request, and creates nothing', async () => {
    const t = await newTenant();
    const key = crypto.randomUUID();
    const original = await open(t.api_key, key, 'original');
    expect(original.status).toBe(201);
    expectError(await open(t.api_key, key, 'changed'), 409, 'idempotency_key_reused');
    expectError(await open(t.api_key, key, 'original', { mode: 'view' }), 409, 'idempotency_key_reused');
    const join = await api('POST', `/v1/documents/${original.body.document_id}/sessions`, {
      key: t.api_key,
      headers: withKey(key),
      json: {},
    });
    expectError(join, 409, 'idempotency_key_reused');
    // The same body with its keys in another order is the same request.
    const reordered = await api('POST', '/v1/documents', {
      key: t.api_key,
      body: `{"document":{"name":"idem.txt"},"content_base64":"${Buffer.from('original').toString('base64')}"}`,
      headers: { ...withKey(key), 'content-type': 'application/json' },
    });
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    await billedCalls(t.tenant_id, 1);
  });

  it('replays joins, scoped to their document', async () => {
    const t = await newTenant();
    const doc = (await openText(t.api_key, 'co-edit')).body.document_id;
    const other = (await openText(t.api_key, 'other')).body.document_id;
    const join = (documentId: string, body: unknown, key: string) =>
      api('POST', `/v1/documents/${documentId}/sessions`, { key: t.api_key, headers: withKey(key), json: body });
    const key = crypto.randomUUID();
    const first = await join(doc, { user: { id: 'u-1' }, mode: 'view' }, key);
    expect(first.status).toBe(201);
    const again = await join(doc, { mode: 'view', user: { id: 'u-1' } }, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expectError(await join(other, { user: { id: 'u-1' }, mode: 'view' }, key), 409, 'idempotency_key_reused');
    await billedCalls(t.tenant_id, 3);
  });

  it('recognises a multipart retry by its parts, whatever the boundary', async () => {
    const t = await newTenant();
    const key = crypto.randomUUID();
    const form = (content: string, options = '{"mode":"view"}') => {
      const f = new FormData();
      f.append('options', options);
      f.append('file', new Blob([content], { type: 'text/plain' }), 'upload.txt');
      return f;
    };
    const post = (body: FormData) => api('POST', '/v1/documents', { key: t.api_key, headers: withKey(key), body });
    const first = await post(form('multipart bytes'));
    expect(first.status).toBe(201);
    const retry = await post(form('multipart bytes'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.session_id).toBe(first.body.session_id);
    expectError(await post(form('other bytes')), 409, 'idempotency_key_reused');
    expectError(await post(form('multipart bytes', '{"mode":"edit"}')), 409, 'idempotency_key_reused');
    await billedCalls(t.tenant_id, 1);
  });

  it('does not remember failures: the key runs again once the request can succeed', async () => {
    const t = await newTenant({ usage_limit: 1, grace_percent: 0 });
    const key = crypto.randomUUID();
    const bad = await api('POST', '/v1/documents', {
      key: t.api_key,
      headers: withKey(key),
      json: { content_base64: '@@' },
    });
    expectError(bad, 400, 'invalid_request');
    expect((await open(t.api_key, key, 'fixed')).status).toBe(201);

    const second = crypto.randomUUID();
    expectError(await open(t.api_key, second, 'over the limit'), 429, 'usage_exceeded');
    await api('PATCH', `/v1/admin/tenants/${t.tenant_id}/plan`, {
      key: e2eState().adminToken,
      json: { usage_limit: 2 },
    });
    const retried = await open(t.api_key, second, 'over the limit');
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    // A replay costs nothing, so it works past the limit too.
    expect((await open(t.api_key, key, 'fixed')).headers.get('idempotent-replayed')).toBe('true');
    await billedCalls(t.tenant_id, 2);
  });

  it('keeps keys apart per tenant', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const key = 'shared-key';
    const ra = await open(a.api_key, key, 'tenant a');
    const rb = await open(b.api_key, key, 'tenant b');
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect(ra.body.session_id).not.toBe(rb.body.session_id);
    expectError(await api('GET', `/v1/sessions/${ra.body.session_id}`, { key: b.api_key }), 404, 'not_found');
  });

  it('refuses an empty key, or one longer than 255 characters', async () => {
    const t = await newTenant();
    expectError(await open(t.api_key, 'k'.repeat(256), 'too long'), 400, 'invalid_request');
    expectError(await open(t.api_key, '   ', 'blank'), 400, 'invalid_request');
    expect((await open(t.api_key, 'k'.repeat(255), 'just fits')).status).toBe(201);
    expect((await open(t.api_key, 'clé ü/+=:{}', 'any characters')).status).toBe(201);
    await billedCalls(t.tenant_id, 2);
  });
});
