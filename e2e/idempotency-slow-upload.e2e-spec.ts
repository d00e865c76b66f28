import { Redis } from 'ioredis';
import { request } from 'node:http';
import { api, eventually, type ApiResponse } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

/** The key's lease; the slow upload below takes several of them. */
const LOCK_SECONDS = 1;
const DRIP_CHUNKS = 16;
const DRIP_EVERY_MS = 250;

/**
 * Same-key retries while the first request still sends its body, on a system of this
 * file's own with a one-second lease on the key (the shared one holds keys 120 s).
 */
describe('Idempotency-Key under a slow upload', () => {
  let sys: IsolatedSystem;
  let key: string;
  let tenantId: string;
  let redis: Redis;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('idem', { IDEMPOTENCY_LOCK_SECONDS: String(LOCK_SECONDS) });
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 'slow-uploads' },
    });
    key = tenant.body.api_key;
    tenantId = tenant.body.tenant_id;
    redis = new Redis(sys.t.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await sys?.stop();
  }, 60_000);

  const content = Buffer.alloc(DRIP_CHUNKS * 1024, 'slow bytes ');
  const boundary = 'drip-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{"mode":"view"}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n` +
      `Content-Type: text/plain\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  /** A multipart open whose file arrives 1 KiB every 250 ms (4 s in all). */
  function drippedOpen(idempotencyKey: string): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = request(`${sys.baseUrl}/v1/documents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'idempotency-key': idempotencyKey,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + content.length + tail.length,
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, headers: new Headers(res.headers as any), body: JSON.parse(text), text });
        });
      });
      req.on('error', reject);
      req.write(head);
      let sent = 0;
      const drip = setInterval(() => {
        req.write(content.subarray(sent * 1024, ++sent * 1024));
        if (sent === DRIP_CHUNKS) {
          clearInterval(drip);
          req.end(tail);
        }
      }, DRIP_EVERY_MS);
    });
  }

  function quickOpen(idempotencyKey: string): Promise<ApiResponse> {
    const form = new FormData();
    form.append('options', '{"mode":"view"}');
    form.append('file', new Blob([content], { type: 'text/plain' }), 'slow.txt');
    return api('POST', `${sys.baseUrl}/v1/documents`, {
      key,
      headers: { 'idempotency-key': idempotencyKey },
      body: form,
    });
  }

  const count = async (sql: string) => Number((await sys.query<{ n: string }>(sql, [tenantId]))[0].n);

  it('makes a retry wait for the upload still streaming, opens one session and bills one call', async () => {
    const idempotencyKey = crypto.randomUUID();
    const started = Date.now();
    const first = drippedOpen(idempotencyKey);
    // Well past the lease: the key must still be held by the upload.
    await new Promise((r) => setTimeout(r, 3 * LOCK_SECONDS * 1000));
    const retry = await quickOpen(idempotencyKey);
    const retryAnsweredAfter = Date.now() - started;
    const original = await first;

    expect(original.status).toBe(201);
    expect(original.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retryAnsweredAfter).toBeGreaterThanOrEqual(DRIP_CHUNKS * DRIP_EVERY_MS); // it waited for the upload
    expect(retry.text).toBe(original.text);
    expect(retry.headers.get('location')).toBe(original.headers.get('location'));

    await eventually(
      async () =>
        (await count('SELECT count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1')) === 1
          ? true
          : undefined,
      15_000,
      'one billable call',
    );
    await new Promise((r) => setTimeout(r, 1_000)); // a second call would be in by now
    expect(await count('SELECT count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM session.sessions WHERE tenant_id = $1')).toBe(1);
  }, 30_000);

  it('keeps the answer without the bearer token and computes document_url again for a replay', async () => {
    const idempotencyKey = crypto.randomUUID();
    const original = await quickOpen(idempotencyKey);
    expect(original.status).toBe(201);
    const token = new URL(original.body.document_url).pathname.split('/').pop()!;

    const stored: string[] = [];
    for (const name of await redis.keys(`{${sys.t.env.NAMESPACE}}*idempotency*`)) stored.push((await redis.get(name))!);
    expect(stored.some((value) => value.includes(original.body.session_id))).toBe(true);
    expect(stored.filter((value) => value.includes(token))).toEqual([]);

    const replay = await quickOpen(idempotencyKey);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(original.text);
    expect((await api('GET', replay.body.document_url)).status).toBe(200);
  });
});
