import { api, newTenant } from './support/api';
import { refusedOnlyTenant } from './support/refused-only';

/**
 * What PostgreSQL refuses (NUL, unpaired surrogates) and what the event schema caps (255
 * characters) is refused at the edge: a 201 for it would name a session no consumer could
 * ever store, bill or clean up.
 */
describe('input the store cannot keep: 400 at the edge, nothing stored or billed', () => {
  const tenant = refusedOnlyTenant();

  const expectInvalid = (res: { status: number; body: any }, path?: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
    expect(typeof res.body.error.message).toBe('string');
    if (path) expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  };
  const openJson = (options: Record<string, unknown>) =>
    api('POST', '/v1/documents', { key: tenant.api_key, json: { content_base64: 'aGk=', ...options } });

  it('a NUL byte in user.id (JSON body) → 400', async () => {
    expectInvalid(await openJson({ user: { id: 'a\u0000b' } }), 'user.id');
  });

  it('NUL or a lone surrogate anywhere the open stores text → 400', async () => {
    expectInvalid(await openJson({ user: { display_name: 'x\ud800' } }), 'user.display_name');
    expectInvalid(await openJson({ document: { name: 'a\u0000.txt' } }), 'document.name');
    expectInvalid(await openJson({ document: { external_id: '\udc00' } }), 'document.external_id');
    expectInvalid(await openJson({ metadata: { outer: { 'in\u0000ner': 1 } } }), 'metadata.outer.in\u0000ner');
    expectInvalid(await openJson({ metadata: { list: ['ok', '\ud83d'] } }), 'metadata.list.1');
    expectInvalid(
      await openJson({ callback: { save_url: 'https://partner.example/', headers: { 'X-A': 'v\u0000' } } }),
    );
  });

  it('a NUL byte in the multipart options → 400', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'a.txt');
    form.append('options', JSON.stringify({ user: { id: 'a\u0000b' } }));
    expectInvalid(await api('POST', '/v1/documents', { key: tenant.api_key, body: form }), 'user.id');
  });

  it('a 300-character multipart filename → 400, and the streamed file is removed', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello']), `${'n'.repeat(296)}.txt`);
    expectInvalid(await api('POST', '/v1/documents', { key: tenant.api_key, body: form }), 'document.name');
  });

  it('a 300-character multipart content type → 400, and the streamed file is removed', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: `text/${'x'.repeat(295)}` }), 'a.txt');
    expectInvalid(await api('POST', '/v1/documents', { key: tenant.api_key, body: form }), 'document.content_type');
  });

  it('a joined session’s user with NUL → 400', async () => {
    const other = await newTenant();
    const open = await api('POST', '/v1/documents', {
      key: other.api_key,
      json: { content_base64: 'aGk=', document: { name: 'a.txt' } },
    });
    expect(open.status).toBe(201);
    const join = await api('POST', `/v1/documents/${open.body.document_id}/sessions`, {
      key: other.api_key,
      json: { user: { id: '\u0000' } },
    });
    expectInvalid(join, 'user.id');
    await api('DELETE', `/v1/documents/${open.body.document_id}`, { key: other.api_key });
  });
});
