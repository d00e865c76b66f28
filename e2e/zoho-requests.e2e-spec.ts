import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { blankDocument } from '../apps/gateway/src/zoho/blank-documents';
import { api, gatewayUrl, newTenant, type ApiResponse } from './support/api';
import { billedCalls, sha256 } from './support/billing';
import { storedBlobKeys } from './support/blobs';
import { eventQueuesDrained } from './support/bus';
import { countRows } from './support/database';
import { refusedOnlyTenant } from './support/refused-only';

// Zoho requests as an application sends them without Zoho's SDK (curl -F, its own HTTP
// client): the key as a form field, an Idempotency-Key, and parts a hostile or careless
// client makes. Each refusal is Zoho's 400, with nothing stored or billed.

const WRITER = '/writer/officeapi/v1/documents';
const SHEET = '/sheet/officeapi/v1/spreadsheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

type Part = [name: string, value: string] | [name: string, value: Buffer, filename: string];

function form(parts: Part[]): FormData {
  const body = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([value], { type: DOCX }), filename);
  }
  return body;
}

const document = (bytes = Buffer.concat([blankDocument('docx'), Buffer.from(randomUUID())])): Part => [
  'document',
  bytes,
  'report.docx',
];

function post(path: string, parts: Part[], options: { apikey?: string; headers?: Record<string, string> } = {}) {
  const query = options.apikey === undefined ? '' : `?apikey=${encodeURIComponent(options.apikey)}`;
  return api('POST', `${path}${query}`, { body: form(parts), headers: options.headers });
}

function expectZohoError(res: ApiResponse, code: number, parameterName?: string, keyName?: string) {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code, ...(parameterName && { parameter_name: parameterName }) });
  expect(res.body.key_name).toBe(keyName);
  expect(typeof res.body.message).toBe('string');
}

/** What a tenant has stored and been billed for, once every published event was consumed. */
async function holdings(tenantId: string) {
  await eventQueuesDrained();
  return {
    documents: await countRows('session.documents', 'tenant_id = $1', [tenantId]),
    billed: await countRows('metering.billable_calls', 'tenant_id = $1', [tenantId]),
  };
}

describe('apikey as a form field', () => {
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    tenant = await newTenant();
  });

  it('authenticates a create whose apikey part comes before the document; the text parts before it count', async () => {
    const content = Buffer.concat([blankDocument('docx'), Buffer.from(randomUUID())]);
    const res = await post(WRITER, [
      ['document_info', JSON.stringify({ document_name: 'Field.docx' })],
      ['apikey', tenant.api_key],
      ['user_info', JSON.stringify({ user_id: 'u-5' })],
      document(content),
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ document_id: expect.any(String), session_id: expect.any(String) });
    const doc = await api('GET', `/v1/documents/${res.body.document_id}`, { key: tenant.api_key });
    expect(doc.body).toMatchObject({ name: 'Field.docx', sha256: sha256(content) });
    const session = await api('GET', `/v1/sessions/${res.body.session_id}`, { key: tenant.api_key });
    expect(session.body.user).toEqual({ id: 'u-5' });
    await billedCalls(tenant.tenant_id, 1);
  });

  it('answers a bad key in the field with Zoho’s invalid API key, in each product’s code', async () => {
    const stranger = `not-a-key-${randomUUID()}`;
    expectZohoError(await post(WRITER, [['apikey', stranger], document()]), 1846, 'apikey');
    expectZohoError(await post(SHEET, [['apikey', stranger]]), 2890, 'apikey');
  });

  it('answers a request with no key anywhere as missing apikey', async () => {
    expectZohoError(await post(WRITER, [['document_info', '{}'], document()]), 1837, 'apikey');
  });

  it('refuses a field that differs from the query parameter, and a second field that differs from the first', async () => {
    const other = await newTenant();
    expectZohoError(await post(WRITER, [['apikey', other.api_key], document()], { apikey: tenant.api_key }), 1846);
    expectZohoError(
      await post(WRITER, [
        ['apikey', tenant.api_key],
        ['apikey', other.api_key],
      ]),
      1846,
      'apikey',
    );
    expect(await holdings(other.tenant_id)).toEqual({ documents: 0, billed: 0 });
  });

  it('refuses a document sent before any key without reading it: the answer comes while the body is still arriving', async () => {
    const t = await newTenant();
    const before = await storedBlobKeys();
    const boundary = `zoho-${randomUUID()}`;
    const url = new URL(`${gatewayUrl()}${WRITER}`);
    const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
          req.destroy();
        });
      });
      req.on('error', reject);
      // The start of a document part, and never its end nor the key that would follow it.
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="early.docx"\r\n` +
          `Content-Type: ${DOCX}\r\n\r\n`,
      );
      req.write(blankDocument('docx'));
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 1837, parameter_name: 'apikey' } });
    expect(await holdings(t.tenant_id)).toEqual({ documents: 0, billed: 0 });
    expect(await storedBlobKeys()).toEqual(before);
  });
});

describe('Idempotency-Key on the Zoho routes: one session and one billable call per key', () => {
  it('answers a repeat with the first answer (Idempotent-Replayed), whichever way the key is sent', async () => {
    const t = await newTenant();
    const key = randomUUID();
    const parts: Part[] = [['document_info', JSON.stringify({ document_name: 'Once.docx' })], document()];
    const headers = { 'idempotency-key': key };
    const first = await post(WRITER, parts, { apikey: t.api_key, headers });
    expect(first.status).toBe(200);
    const again = await post(WRITER, parts, { apikey: t.api_key, headers });
    const byField = await post(WRITER, [['apikey', t.api_key], ...parts], { headers });
    for (const repeat of [again, byField]) {
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(repeat.body).toEqual(first.body);
    }
    await billedCalls(t.tenant_id, 1);
    expect(await holdings(t.tenant_id)).toEqual({ documents: 1, billed: 1 });
  });

  it('opens one session for requests with one key that arrive together', async () => {
    const t = await newTenant();
    const headers = { 'idempotency-key': randomUUID() };
    const parts: Part[] = [document()];
    const answers = await Promise.all([1, 2, 3].map(() => post(WRITER, parts, { apikey: t.api_key, headers })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.session_id)).size).toBe(1);
    await billedCalls(t.tenant_id, 1);
    expect(await holdings(t.tenant_id)).toEqual({ documents: 1, billed: 1 });
  });

  it('refuses the key with a different request (Zoho’s invalid value, naming the header), billing nothing more', async () => {
    const t = await newTenant();
    const headers = { 'idempotency-key': randomUUID() };
    expect((await post(SHEET, [], { apikey: t.api_key, headers })).status).toBe(200);
    const reused = await post(SHEET, [['document_info', JSON.stringify({ document_name: 'Other' })]], {
      apikey: t.api_key,
      headers,
    });
    expectZohoError(reused, 2832, 'Idempotency-Key');
    await billedCalls(t.tenant_id, 1);
    expect(await holdings(t.tenant_id)).toEqual({ documents: 1, billed: 1 });
  });
});

describe('hostile parts: Zoho’s invalid value, nothing stored, nothing billed', () => {
  const tenant = refusedOnlyTenant();

  const over64KiB = 'x'.repeat(70 * 1024);
  const json = (value: unknown) => JSON.stringify(value);
  const cases: { what: string; parts: Part[]; parameterName?: string; keyName?: string }[] = [
    {
      what: 'document_info that is not JSON',
      parts: [['document_info', 'document_name=Report']],
      parameterName: 'document_info',
    },
    {
      what: 'document_info that is JSON but no object',
      parts: [['document_info', '["Report"]']],
      parameterName: 'document_info',
    },
    {
      what: 'a NUL in a JSON string',
      parts: [['document_info', json({ document_name: 'a\u0000b' })]],
      parameterName: 'document_info',
    },
    { what: 'a NUL in a user id', parts: [['user_info', json({ user_id: 'a\u0000b' })]], parameterName: 'user_info' },
    {
      what: 'a NUL in a key of an ignored part',
      parts: [['editor_settings', json({ 'unit\u0000': 'in' })]],
      parameterName: 'editor_settings',
    },
    { what: 'a raw NUL in a text part', parts: [['url', 'https://example.com/a\u0000b.docx']], parameterName: 'url' },
    {
      what: 'a name over 255 characters',
      parts: [['document_info', json({ document_name: 'n'.repeat(300) })]],
      parameterName: 'document_info',
      keyName: 'document_name',
    },
    {
      what: 'a JSON part cut short by the part size limit',
      parts: [['document_info', json({ document_name: over64KiB })]],
      parameterName: 'document_info',
    },
    {
      what: 'a url over 2048 characters',
      parts: [['url', `https://example.com/${'u'.repeat(3000)}`]],
      parameterName: 'url',
    },
    {
      what: 'a url cut short by the part size limit',
      parts: [['url', `https://example.com/${over64KiB}`]],
      parameterName: 'url',
    },
    {
      what: 'a filename over 255 characters',
      parts: [['document', blankDocument('docx'), `${'f'.repeat(300)}.docx`]],
      parameterName: 'document',
    },
    { what: 'an unknown part', parts: [['colour', 'red']], parameterName: 'colour' },
    { what: 'more parts than a create has', parts: Array.from({ length: 14 }, (_, i): Part => ['lang', `l${i}`]) },
  ];

  it.each(cases)('$what', async ({ parts, parameterName, keyName }) => {
    const res = await post(WRITER, [...parts, document()], { apikey: tenant.api_key });
    expectZohoError(res, 1831, parameterName, keyName);
  });

  it('a text part declared application/json whose value is not JSON', async () => {
    const res = await postRaw(tenant.api_key, '{"document_name": ');
    expectZohoError(res, 1831);
  });
});

describe('a JSON parameter sent as a text part declared application/json', () => {
  it('is read like one sent as plain text', async () => {
    const t = await newTenant();
    const res = await postRaw(t.api_key, JSON.stringify({ document_name: 'Typed.docx' }));
    expect(res.status).toBe(200);
    expect((await api('GET', `/v1/documents/${res.body.document_id}`, { key: t.api_key })).body.name).toBe(
      'Typed.docx',
    );
  });
});

/** A Writer create with a `document_info` text part whose Content-Type is application/json (FormData cannot say so). */
function postRaw(apikey: string, documentInfo: string): Promise<ApiResponse> {
  const boundary = `zoho-${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="document_info"\r\n` +
        `Content-Type: application/json\r\n\r\n${documentInfo}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="typed.docx"\r\n` +
        `Content-Type: ${DOCX}\r\n\r\n`,
    ),
    blankDocument('docx'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return api('POST', `${WRITER}?apikey=${encodeURIComponent(apikey)}`, {
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}
