import type { SaveDelivery } from '@docsession/sessions';
import { webhookSecret } from '@docsession/tenancy';
import { createHmac } from 'node:crypto';
import {
  boundaryFor,
  InvalidCallbackHeader,
  multipartBody,
  partnerHeaders,
  saveCallbackRequest,
} from './save-callback-request';

const SECRET = webhookSecret('k'.repeat(32), '7b3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a22', 1);

const delivery = (over: Partial<SaveDelivery> = {}): SaveDelivery => ({
  deliveryId: '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11',
  tenantId: '7b3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a22',
  documentId: '8c3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a33',
  sessionId: '9d3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a44',
  externalId: 'crm-4711',
  name: 'report "final".md',
  contentType: 'text/markdown',
  metadata: { case: 17, tags: ['a'] },
  user: { id: 'u-17', display_name: 'Amelia' },
  version: 3,
  savedAt: '2026-11-27T03:28:54.123Z',
  documentPurgedAt: null,
  callback: { save_url: 'https://partner.example/save', headers: { 'X-Token': 'abc', 'content-type': 'text/evil' } },
  attempts: 0,
  maxAttempts: 4,
  status: 'pending',
  ...over,
});

/** Parses a body the way a partner's framework would: with the platform's own multipart parser. */
async function parse(body: Buffer, contentType: string): Promise<FormData> {
  return new Response(body, { headers: { 'content-type': contentType } }).formData();
}

describe('saveCallbackRequest', () => {
  const content = Buffer.from('# Title\r\n\r\n--not-a-boundary\r\nbytes \u00e9\u00fc\n');

  it('is multipart/form-data with the content part (name, type, bytes) and the meta part', async () => {
    const { body, headers } = saveCallbackRequest(delivery(), content, SECRET);
    const form = await parse(body, headers['Content-Type']!);
    const file = form.get('content') as File;
    expect(file.name).toBe('report "final".md'); // sent as %22, decoded by the parser as browsers' forms are
    expect(file.type).toBe('text/markdown');
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
    expect(JSON.parse(form.get('meta') as string)).toEqual({
      delivery_id: '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11',
      document_id: '8c3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a33',
      external_id: 'crm-4711',
      session_id: '9d3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a44',
      user: { id: 'u-17', display_name: 'Amelia' },
      version: 3,
      saved_at: '2026-11-27T03:28:54.123Z',
      metadata: { case: 17, tags: ['a'] },
    });
    expect([...form.keys()]).toEqual(['content', 'meta']);
  });

  it('signs exactly the body bytes with the tenant’s webhook secret', () => {
    const { body, headers } = saveCallbackRequest(delivery(), content, SECRET);
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');
    expect(headers['X-Docsession-Signature']).toBe(expected);
    const other = webhookSecret('k'.repeat(32), '7b3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a22', 2);
    expect(saveCallbackRequest(delivery(), content, other).headers['X-Docsession-Signature']).not.toBe(expected);
  });

  it('is the same bytes and signature on every attempt, named by the delivery id', () => {
    const first = saveCallbackRequest(delivery(), content, SECRET);
    const again = saveCallbackRequest(delivery({ attempts: 2 }), content, SECRET);
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.headers).toEqual(first.headers);
    expect(first.headers['X-Docsession-Delivery']).toBe('6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11');
  });

  it('sends the configured headers, but never lets one replace its own', () => {
    const { headers } = saveCallbackRequest(delivery(), content, SECRET);
    expect(headers['X-Token']).toBe('abc');
    expect(headers['content-type']).toBeUndefined();
    expect(headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=docsession-6a3e1d62-/);
    const spoofing = delivery({
      callback: {
        save_url: 'https://p.example/',
        headers: { 'x-docsession-signature': 'sha256=00', 'X-Docsession-Delivery': 'x' },
      },
    });
    const signed = saveCallbackRequest(spoofing, content, SECRET).headers;
    expect(Object.keys(signed).filter((h) => h.toLowerCase() === 'x-docsession-signature')).toEqual([
      'X-Docsession-Signature',
    ]);
    expect(signed['X-Docsession-Delivery']).toBe(spoofing.deliveryId);
  });

  it('carries nulls for what the open did not say', async () => {
    const d = delivery({ externalId: null, user: null, metadata: null, callback: { save_url: 'https://p.example/' } });
    const { body, headers } = saveCallbackRequest(d, Buffer.alloc(0), SECRET);
    const form = await parse(body, headers['Content-Type']!);
    expect(JSON.parse(form.get('meta') as string)).toMatchObject({ external_id: null, user: null, metadata: null });
    expect((form.get('content') as File).size).toBe(0);
  });
});

describe('multipartBody', () => {
  it('writes CRLF-framed parts and a closing delimiter', () => {
    const body = multipartBody('b0', [
      { name: 'content', filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('hi') },
      { name: 'meta', contentType: 'application/json', data: Buffer.from('{}') },
    ]);
    expect(body.toString()).toBe(
      '--b0\r\nContent-Disposition: form-data; name="content"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
        '--b0\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{}\r\n--b0--\r\n',
    );
  });

  it('keeps names and types from breaking out of their header line', () => {
    const body = multipartBody('b1', [
      {
        name: 'content',
        filename: 'evil"\r\nX-Injected: 1.txt',
        contentType: 'text/plain\r\nX: y',
        data: Buffer.from(''),
      },
    ]);
    expect(body.toString()).not.toMatch(/\r\nX-Injected|\r\nX: y/);
    expect(body.toString()).toContain('filename="evil%22%0D%0AX-Injected: 1.txt"');
    expect(body.toString()).toContain('Content-Type: application/octet-stream');
  });
});

describe('boundaryFor', () => {
  it('never occurs in the content', () => {
    const id = '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11';
    const plain = boundaryFor(id, Buffer.from('text'));
    expect(plain).toBe(`docsession-${id}`);
    const hostile = Buffer.from(`--docsession-${id}\r\n--docsession-${id}-1`);
    const chosen = boundaryFor(id, hostile);
    expect(hostile.includes(chosen)).toBe(false);
  });
});

describe('partnerHeaders', () => {
  it('refuses headers that cannot be sent', () => {
    expect(() => partnerHeaders({ 'Bad Name': 'x' })).toThrow(InvalidCallbackHeader);
    expect(() => partnerHeaders({ 'X-Ok': 'line\r\nInjected: 1' })).toThrow(InvalidCallbackHeader);
    expect(partnerHeaders({ 'X-Ok': 'v', Host: 'elsewhere', 'Content-Length': '1' })).toEqual({ 'X-Ok': 'v' });
  });
});
