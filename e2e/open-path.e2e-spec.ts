import { createHash } from 'node:crypto';
import { api, eventually, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { withChannel } from './support/bus';
import { page } from './support/page';
import { e2eState } from './support/state';

const SESSION_FIELDS = [
  'session_id',
  'document_id',
  'status',
  'mode',
  'user',
  'document_url',
  'session_url',
  'session_delete_url',
  'document_delete_url',
  'created_at',
  'opened_at',
  'closed_at',
  'expires_at',
  'close_reason',
  // Added since API.md's first version: session details (host and attendance).
  'is_host',
  'last_seen_at',
];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function usageOf(key: string): Promise<number> {
  return (await api('GET', '/v1/usage', { key })).body.total_usage;
}

describe('the open path', () => {
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    tenant = await newTenant();
  });

  it('opens by multipart upload and answers with the whole Session object', async () => {
    const form = new FormData();
    form.append('file', new Blob(['# Plan\n'], { type: 'text/markdown' }), 'plan.md');
    form.append(
      'options',
      JSON.stringify({
        user: { id: 'u-17', display_name: 'Amelia' },
        mode: 'view',
        document: { external_id: 'crm-4711' },
      }),
    );
    const res = await api('POST', '/v1/documents', { key: tenant.api_key, body: form });

    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(SESSION_FIELDS);
    const s = res.body;
    const base = gatewayBase();
    expect(res.headers.get('location')).toBe(`${base}/v1/sessions/${s.session_id}`);
    expect(s).toMatchObject({
      status: 'inactive',
      mode: 'view',
      user: { id: 'u-17', display_name: 'Amelia' },
      session_url: `${base}/v1/sessions/${s.session_id}`,
      session_delete_url: `${base}/v1/sessions/${s.session_id}`,
      document_delete_url: `${base}/v1/documents/${s.document_id}`,
      opened_at: null,
      closed_at: null,
      close_reason: null,
    });
    expect(s.document_url).toMatch(new RegExp(`^${base}/s/[A-Za-z0-9_-]{43}$`));
    expect(s.created_at).toMatch(ISO_MS);
    expect(Date.parse(s.expires_at) - Date.parse(s.created_at)).toBe(21_600_000);

    const read = await api('GET', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(s);

    const doc = await api('GET', `/v1/documents/${s.document_id}`, { key: tenant.api_key });
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({
      document_id: s.document_id,
      external_id: 'crm-4711',
      name: 'plan.md',
      content_type: 'text/markdown',
      size_bytes: 7,
      version: 1,
      status: 'live',
      active_sessions_count: 1,
      sessions_count: 1,
      collaborators: [
        { session_id: s.session_id, user: { id: 'u-17', display_name: 'Amelia' }, status: 'inactive', host: true },
      ],
    });
    expect(doc.body.sha256).toBe(createHash('sha256').update('# Plan\n').digest('hex'));

    const content = await api('GET', `/v1/documents/${s.document_id}/content`, { key: tenant.api_key });
    expect(content.status).toBe(200);
    expect(content.text).toBe('# Plan\n');
    expect(content.headers.get('content-type')).toContain('text/markdown');
  });

  it('opens by JSON with base64 content, serves it at once, and bills one call', async () => {
    const fresh = await newTenant();
    const res = await openText(fresh.api_key, 'hello world', { user: { id: 'u-1' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(SESSION_FIELDS);
    expect(res.body.mode).toBe('edit');

    const content = await api('GET', `/v1/documents/${res.body.document_id}/content`, { key: fresh.api_key });
    expect(content.status).toBe(200);
    expect(content.text).toBe('hello world');

    await eventually(async () => ((await usageOf(fresh.api_key)) === 1 ? true : undefined), 10_000, 'usage 1');
    const usage = await api('GET', '/v1/usage', { key: fresh.api_key });
    expect(usage.body).toMatchObject({ tenant_id: fresh.tenant_id, total_usage: 1, status: 'ok' });
  });

  it('reads its writes while the session service has not consumed the event', async () => {
    const fresh = await newTenant();
    // Hold session.created back from the session service: only the gateway's record of
    // the open can answer the reads below.
    await withChannel((ch, names) =>
      ch.unbindQueue(names.eventQueue('session'), names.eventExchange, 'session.created'),
    );
    try {
      const res = await openText(fresh.api_key, 'not consumed yet');
      expect(res.status).toBe(201);
      const read = await api('GET', `/v1/sessions/${res.body.session_id}`, { key: fresh.api_key });
      expect(read.status).toBe(200);
      expect(read.body.session_id).toBe(res.body.session_id);
      const content = await api('GET', `/v1/documents/${res.body.document_id}/content`, { key: fresh.api_key });
      expect(content.text).toBe('not consumed yet');
      const closed = await api('DELETE', `/v1/sessions/${res.body.session_id}`, { key: fresh.api_key });
      expect(closed.body).toEqual({ session_id: res.body.session_id, status: 'closed', deleted: true });
      expect(await blobExists(res.body.document_id)).toBe(false);
    } finally {
      await withChannel((ch, names) =>
        ch.bindQueue(names.eventQueue('session'), names.eventExchange, 'session.created'),
      );
    }
    // Billing never depended on the session service.
    await eventually(async () => ((await usageOf(fresh.api_key)) === 1 ? true : undefined), 10_000, 'usage 1');
  });

  it('closes a session with DELETE, removes the content at once, and stays idempotent', async () => {
    const res = await openText(tenant.api_key, 'short-lived');
    const { session_id: sessionId, document_id: documentId } = res.body;
    expect(await blobExists(documentId)).toBe(true);

    const closed = await api('DELETE', `/v1/sessions/${sessionId}`, { key: tenant.api_key });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ session_id: sessionId, status: 'closed', deleted: true });
    expect(await blobExists(documentId)).toBe(false);

    const again = await api('DELETE', `/v1/sessions/${sessionId}`, { key: tenant.api_key });
    expect(again.body).toEqual(closed.body);

    const read = await api('GET', `/v1/sessions/${sessionId}`, { key: tenant.api_key });
    expect(read.body).toMatchObject({ status: 'closed', close_reason: 'deleted_by_api' });
    expect(read.body.closed_at).toMatch(ISO_MS);

    const content = await api('GET', `/v1/documents/${documentId}/content`, { key: tenant.api_key });
    expect(content.status).toBe(410);
    expect(content.body.error.code).toBe('gone');

    const doc = await api('GET', `/v1/documents/${documentId}`, { key: tenant.api_key });
    expect(doc.body).toMatchObject({ status: 'purged', active_sessions_count: 0, sessions_count: 1 });
    expect(doc.body.purged_at).toMatch(ISO_MS);
  });

  it('deletes a document: every open session ends and the content goes', async () => {
    const res = await openText(tenant.api_key, 'to delete');
    const { document_id: documentId, session_id: sessionId } = res.body;
    const deleted = await api('DELETE', `/v1/documents/${documentId}`, { key: tenant.api_key });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ document_id: documentId, status: 'purged', deleted: true });
    expect(await blobExists(documentId)).toBe(false);
    const session = await api('GET', `/v1/sessions/${sessionId}`, { key: tenant.api_key });
    expect(session.body).toMatchObject({ status: 'closed', close_reason: 'document_deleted' });
    const again = await api('DELETE', `/v1/documents/${documentId}`, { key: tenant.api_key });
    expect(again.body).toEqual(deleted.body);
  });

  it('lists a document’s sessions, newest first', async () => {
    const res = await openText(tenant.api_key, 'listed');
    const list = await api('GET', `/v1/documents/${res.body.document_id}/sessions`, { key: tenant.api_key });
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(1);
    expect(list.body.sessions[0]).toEqual(res.body);
  });

  it('serves the browser page, and 410 once the session ended, 404 for an unknown token', async () => {
    const res = await openText(tenant.api_key, 'page');
    const loaded = await page.load(res.body.document_url);
    expect(loaded.status).toBe(200);
    expect(loaded.headers.get('content-type')).toContain('text/html');
    expect(loaded.headers.get('referrer-policy')).toBe('no-referrer');
    const opened = await api('GET', `/v1/sessions/${res.body.session_id}`, { key: tenant.api_key });
    expect(opened.body.status).toBe('active');
    expect(opened.body.opened_at).toMatch(ISO_MS);

    await api('DELETE', `/v1/sessions/${res.body.session_id}`, { key: tenant.api_key });
    expect((await fetch(res.body.document_url)).status).toBe(410);
    expect((await fetch(`${gatewayBase()}/s/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${gatewayBase()}/s/not-a-token`)).status).toBe(404);
  });
});

function gatewayBase(): string {
  return e2eState().env.PUBLIC_URL!;
}
