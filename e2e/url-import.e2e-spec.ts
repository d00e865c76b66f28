import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, newTenant } from './support/api';
import { countRows } from './support/database';

describe('opening a document from a URL', () => {
  let server: Server;
  let base: string;
  let tenant: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    tenant = await newTenant();
    server = createServer((req, res) => {
      if (req.url === '/report.txt') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('imported text');
      } else if (req.url === '/to-loopback') {
        res.writeHead(302, { location: `${base}/report.txt` }).end();
      } else if (req.url === '/to-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url === '/missing') {
        res.writeHead(404).end();
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => setTimeout(r, 300));
    // Only the two allowed imports were stored and (eventually) billed.
    expect(await countRows('session.documents', 'tenant_id = $1', [tenant.tenant_id])).toBe(2);
  });

  it('imports from a local server when the test-only setting allows it', async () => {
    const res = await api('POST', '/v1/documents', {
      key: tenant.api_key,
      openGateway: true,
      json: { url: `${base}/report.txt` },
    });
    expect(res.status).toBe(201);
    const doc = await api('GET', `/v1/documents/${res.body.document_id}`, { key: tenant.api_key, openGateway: true });
    expect(doc.body).toMatchObject({ name: 'report.txt', content_type: 'text/plain', size_bytes: 13 });
    const content = await api('GET', `/v1/documents/${res.body.document_id}/content`, { key: tenant.api_key });
    expect(content.text).toBe('imported text');
  });

  it('follows redirects when allowed, and names the import from the multipart options too', async () => {
    const form = new FormData();
    form.append('options', JSON.stringify({ url: `${base}/to-loopback`, document: { name: 'renamed.txt' } }));
    const res = await api('POST', '/v1/documents', { key: tenant.api_key, openGateway: true, body: form });
    expect(res.status).toBe(201);
  });

  it('answers 422 when the URL answers with an error', async () => {
    const res = await api('POST', '/v1/documents', {
      key: tenant.api_key,
      openGateway: true,
      json: { url: `${base}/missing` },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('url_fetch_failed');
  });

  it.each([
    ['loopback', () => `${base}/report.txt`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a redirect to loopback', () => `${base}/to-loopback`],
    ['a redirect to cloud metadata', () => `${base}/to-metadata`],
    ['a private address', () => 'http://10.0.0.1/x'],
    ['a non-http scheme', () => 'file:///etc/passwd'],
  ])('refuses %s with 422 and stores nothing', async (_what, url) => {
    const res = await api('POST', '/v1/documents', { key: tenant.api_key, json: { url: url() } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('url_fetch_failed');
  });
});
