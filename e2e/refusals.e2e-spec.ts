import { api, newTenant, openText } from './support/api';
import { MAX_UPLOAD_BYTES } from './support/environment';
import { e2eState } from './support/state';
import { refusedOnlyTenant } from './support/refused-only';

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
}

describe('bad input: the contract’s error, nothing stored, nothing billed', () => {
  const tenant = refusedOnlyTenant();

  const post = (init: { json?: unknown; body?: NonNullable<RequestInit['body']>; headers?: Record<string, string> }) =>
    api('POST', '/v1/documents', { key: tenant.api_key, ...init });

  it('malformed JSON → 400', async () => {
    expectError(
      await post({ body: '{"content_base64": ', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );
  });

  it('no content → 400', async () => {
    expectError(await post({ json: { document: { name: 'x.txt' } } }), 400, 'invalid_request');
    const form = new FormData();
    form.append('options', '{}');
    expectError(await post({ body: form }), 400, 'invalid_request');
  });

  it('both content and url → 400', async () => {
    expectError(
      await post({ json: { content_base64: 'aGk=', url: 'https://example.com/a.txt' } }),
      400,
      'invalid_request',
    );
  });

  it('unknown or invalid options → 400 with details', async () => {
    const unknown = await post({ json: { content_base64: 'aGk=', colour: 'red' } });
    expectError(unknown, 400, 'invalid_request');
    expect(unknown.body.error.details).toBeDefined();
    expectError(await post({ json: { content_base64: 'aGk=', mode: 'scribble' } }), 400, 'invalid_request');
    expectError(await post({ json: { content_base64: 'not base64!' } }), 400, 'invalid_request');
    expectError(await post({ json: { content_base64: 'aGk=', ttl_seconds: 21_601 } }), 400, 'invalid_request');
    expectError(
      await post({ json: { content_base64: 'aGk=', metadata: { big: 'x'.repeat(5000) } } }),
      400,
      'invalid_request',
    );
  });

  it('invalid options in a multipart upload → 400, and the streamed file is removed', async () => {
    const form = new FormData();
    form.append('file', new Blob(['some bytes']), 'a.txt');
    form.append('options', '{"mode": "nope"}');
    expectError(await post({ body: form }), 400, 'invalid_request');
    const broken = new FormData();
    broken.append('file', new Blob(['x']), 'a.txt');
    broken.append('options', '{not json');
    expectError(await post({ body: broken }), 400, 'invalid_request');
  });

  it('a multipart body that is not multipart → 400', async () => {
    const res = await post({ body: 'garbage', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
    expectError(res, 400, 'invalid_request');
  });

  it('an unsupported request body type → 415', async () => {
    expectError(
      await post({ body: 'hello', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
  });

  it('oversize upload → 413, by multipart and by JSON', async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7);
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.bin');
    expectError(await post({ body: form }), 413, 'payload_too_large');
    expectError(await post({ json: { content_base64: big.toString('base64') } }), 413, 'payload_too_large');
  });

  it('exactly the limit is accepted (and closed again, so nothing stays)', async () => {
    const other = await newTenant();
    const res = await openText(other.api_key, 'x'.repeat(MAX_UPLOAD_BYTES));
    expect(res.status).toBe(201);
    await api('DELETE', `/v1/documents/${res.body.document_id}`, { key: other.api_key });
  });
});

describe('authentication and tenant isolation', () => {
  it('refuses a missing, unknown or malformed key with 401', async () => {
    expectError(await api('GET', '/v1/usage'), 401, 'unauthorized');
    expectError(await api('GET', '/v1/usage', { key: 'dsk_unknown' }), 401, 'unauthorized');
    expectError(await api('GET', '/v1/usage', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
    expectError(await openText('dsk_unknown'), 401, 'unauthorized');
  });

  it('accepts X-API-Key as well as a bearer token', async () => {
    const t = await newTenant();
    const res = await api('GET', '/v1/usage', { headers: { 'x-api-key': t.api_key } });
    expect(res.status).toBe(200);
  });

  it('refuses a revoked key at once, while the tenant’s other keys work', async () => {
    const t = await newTenant();
    const { adminToken } = e2eState();
    const second = await api('POST', `/v1/admin/tenants/${t.tenant_id}/keys`, { key: adminToken });
    expect(second.status).toBe(201);
    expect(second.body.api_key).toMatch(/^dsk_/);
    // Used once on both gateways, so each has it among its verified keys.
    expect((await api('GET', '/v1/usage', { key: second.body.api_key })).status).toBe(200);
    expect((await api('GET', '/v1/usage', { key: second.body.api_key, openGateway: true })).status).toBe(200);
    const revoked = await api('DELETE', `/v1/admin/keys/${second.body.key_id}`, { key: adminToken });
    expect(revoked.status).toBe(200);
    expectError(await api('GET', '/v1/usage', { key: second.body.api_key }), 401, 'unauthorized');
    expectError(await api('GET', '/v1/usage', { key: second.body.api_key, openGateway: true }), 401, 'unauthorized');
    expect((await api('GET', '/v1/usage', { key: t.api_key })).status).toBe(200);
  });

  it('guards the admin API with the admin token', async () => {
    const t = await newTenant();
    expectError(await api('POST', '/v1/admin/tenants', { json: { name: 'x' } }), 401, 'unauthorized');
    expectError(await api('POST', '/v1/admin/tenants', { key: t.api_key, json: { name: 'x' } }), 401, 'unauthorized');
    const { adminToken } = e2eState();
    expectError(await api('POST', '/v1/admin/tenants', { key: adminToken, json: {} }), 400, 'invalid_request');
    expectError(
      await api('POST', `/v1/admin/tenants/${crypto.randomUUID()}/keys`, { key: adminToken }),
      404,
      'not_found',
    );
    expectError(await api('DELETE', `/v1/admin/keys/${crypto.randomUUID()}`, { key: adminToken }), 404, 'not_found');
  });

  it('answers 404 for another tenant’s session and document, and changes nothing', async () => {
    const owner = await newTenant();
    const intruder = await newTenant();
    const { session_id: sessionId, document_id: documentId } = (await openText(owner.api_key, 'private')).body;
    const as = { key: intruder.api_key };
    expectError(await api('GET', `/v1/sessions/${sessionId}`, as), 404, 'not_found');
    expectError(await api('DELETE', `/v1/sessions/${sessionId}`, as), 404, 'not_found');
    expectError(await api('GET', `/v1/documents/${documentId}`, as), 404, 'not_found');
    expectError(await api('GET', `/v1/documents/${documentId}/content`, as), 404, 'not_found');
    expectError(await api('GET', `/v1/documents/${documentId}/sessions`, as), 404, 'not_found');
    expectError(await api('DELETE', `/v1/documents/${documentId}`, as), 404, 'not_found');
    expectError(await api('POST', `/v1/documents/${documentId}/sessions`, { ...as, json: {} }), 404, 'not_found');
    const still = await api('GET', `/v1/sessions/${sessionId}`, { key: owner.api_key });
    expect(still.body.status).toBe('inactive');
  });

  it('answers 404 for ids that are not ids', async () => {
    const t = await newTenant();
    expectError(await api('GET', '/v1/sessions/not-a-uuid', { key: t.api_key }), 404, 'not_found');
    expectError(await api('GET', '/v1/nothing-here', { key: t.api_key }), 404, 'not_found');
  });
});
