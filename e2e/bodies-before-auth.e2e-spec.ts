import { randomBytes } from 'node:crypto';
import { api, newTenant } from './support/api';
import { rawRequest, requestHead, sleep } from './support/raw-http';
import { e2eState } from './support/state';
import { refusedOnlyTenant } from './support/refused-only';

const TWENTY_MB = 20 * 1000 * 1000;
const port = () => e2eState().ports.gateway;

/**
 * Sends the head of a 20 MB request and 64 KiB of its body, then nothing more for a while: an
 * answer can only come from a gateway that decided on the headers.
 */
async function answerToUnsentBody(method: string, path: string, headers: Record<string, string> = {}) {
  return rawRequest(port(), async (socket, sent, answered) => {
    socket.write(requestHead(method, path, TWENTY_MB, { 'content-type': 'application/json', ...headers }));
    socket.write(Buffer.alloc(64 * 1024, 'a'));
    sent(64 * 1024);
    for (let i = 0; i < 30 && !answered(); i++) await sleep(100); // then the test gives up waiting
    if (!answered()) socket.destroy();
  });
}

describe('a body is not read before its request is authenticated', () => {
  it.each([
    [
      'a heartbeat with a token that names no session',
      () => `/s/${randomBytes(32).toString('base64url')}/heartbeat`,
      {},
      413,
    ],
    ['a heartbeat with a string that is no token', () => '/s/anything/heartbeat', {}, 404],
    ['a save with a token that names no session', () => `/s/${randomBytes(32).toString('base64url')}/content`, {}, 404],
    ['an open without a key', () => '/v1/documents', {}, 401],
    ['an open with a wrong key', () => '/v1/documents', { authorization: 'Bearer dsk_wrong' }, 401],
    [
      'an admin request with a wrong token',
      () => '/v1/admin/tenants',
      { authorization: 'Bearer not-the-admin-token' },
      401,
    ],
  ])('%s: refused at once, on its headers', async (_what, path, headers, status) => {
    const method = path().endsWith('/content') ? 'PUT' : 'POST';
    const answer = await answerToUnsentBody(method, path(), headers);
    expect({ status: answer.status, fast: answer.ms < 1000 }).toEqual({ status, fast: true });
    expect(answer.sentBytes).toBe(64 * 1024);
    expect(answer.text).toContain('"error"');
  });

  it('an authenticated open still takes its body', async () => {
    const t = await newTenant();
    const res = await api('POST', '/v1/documents', {
      key: t.api_key,
      json: { content_base64: Buffer.from('hello').toString('base64') },
    });
    expect(res.status).toBe(201);
    await api('DELETE', `/v1/documents/${res.body.document_id}`, { key: t.api_key });
  });
});

describe('body limits', () => {
  it('a beacon over 1 KiB, or a join over 64 KiB, is refused on its Content-Length', async () => {
    const t = await newTenant();
    const open = await api('POST', '/v1/documents', { key: t.api_key, json: { content_base64: 'aGk=' } });
    expect(open.status).toBe(201);
    const token = String(open.body.document_url).split('/').pop()!;
    const beacon = await answerToUnsentBody('POST', `/s/${token}/heartbeat`);
    expect(beacon.status).toBe(413);
    const ok = await api('POST', `/s/${token}/heartbeat`, { json: { t: 'x'.repeat(900) } });
    expect(ok.status).toBe(204);
    const join = await api('POST', `/v1/documents/${open.body.document_id}/sessions`, {
      key: t.api_key,
      json: { user: { id: 'u' }, padding: 'x'.repeat(65 * 1024) },
    });
    expect({ status: join.status, code: join.body.error?.code }).toEqual({ status: 413, code: 'payload_too_large' });
    await api('DELETE', `/v1/documents/${open.body.document_id}`, { key: t.api_key });
  });
});

describe('a truncated or malformed multipart body', () => {
  const tenant = refusedOnlyTenant();

  const boundary = 'edge-boundary-9f8e7d';
  const partHead =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
    'Content-Type: text/plain\r\n\r\n';

  async function sendWhole(body: string) {
    return rawRequest(port(), (socket) => {
      socket.write(
        requestHead('POST', '/v1/documents', Buffer.byteLength(body), {
          authorization: `Bearer ${tenant.api_key}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        }),
      );
      socket.write(body);
    });
  }

  it('ends inside the file part → 400 at once', async () => {
    const answer = await sendWhole(`${partHead}some bytes of the file and then noth`);
    expect({ status: answer.status, fast: answer.ms < 2000 }).toEqual({ status: 400, fast: true });
    expect(answer.text).toContain('"invalid_request"');
  });

  it('ends after the file part without the closing boundary → 400 at once', async () => {
    const answer = await sendWhole(`${partHead}the whole file\r\n`);
    expect({ status: answer.status, fast: answer.ms < 2000 }).toEqual({ status: 400, fast: true });
  });

  it('ends inside a part’s headers → 400 at once', async () => {
    const answer = await sendWhole(`--${boundary}\r\nContent-Disposition: form-da`);
    expect({ status: answer.status, fast: answer.ms < 2000 }).toEqual({ status: 400, fast: true });
  });
});
