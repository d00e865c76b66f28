import { IsolatedSystem } from './support/isolated-system';
import { rawRequest, requestHead, sleep } from './support/raw-http';

/**
 * A client that drips its request a byte at a time holds a connection (and, mid-upload, a
 * blob being written) for as long as it likes, unless the gateway's request and headers
 * timeouts cut it off. A system of its own, with timeouts short enough to watch.
 */
describe('slow-drip clients are cut off', () => {
  let sys: IsolatedSystem;
  let apiKey: string;
  let tenantId: string;
  const port = () => sys.t.ports.gateway;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('slow', { REQUEST_TIMEOUT_SECONDS: '3', HEADERS_TIMEOUT_SECONDS: '2' });
    const res = await fetch(`${sys.baseUrl}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow' }),
    });
    ({ api_key: apiKey, tenant_id: tenantId } = (await res.json()) as { api_key: string; tenant_id: string });
  }, 180_000);

  afterAll(async () => {
    await sys?.stop();
  });

  /** Writes `text` a few bytes every 100 ms until the server answers or closes, or `maxMs` passes. */
  const drip = (text: string | Buffer, maxMs: number) =>
    rawRequest(port(), async (socket, sent, answered) => {
      const bytes = Buffer.from(text);
      const started = Date.now();
      for (let i = 0; i < bytes.length && !answered() && Date.now() - started < maxMs; i += 4) {
        socket.write(bytes.subarray(i, i + 4));
        sent(Math.min(4, bytes.length - i));
        await sleep(100);
      }
    });

  it('headers dripped for longer than HEADERS_TIMEOUT_SECONDS: 408 and closed', async () => {
    const head = requestHead('GET', '/v1/usage', 0, {
      authorization: `Bearer ${apiKey}`,
      'x-padding': 'p'.repeat(400),
    });
    const started = Date.now();
    const answer = await drip(head, 15_000);
    const took = Date.now() - started;
    expect(answer.status === 408 || (answer.status === 0 && answer.closed)).toBe(true);
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(5_000);
  });

  it('an upload dripped for longer than REQUEST_TIMEOUT_SECONDS: 408 and closed, nothing stored or billed', async () => {
    const body = JSON.stringify({ content_base64: Buffer.alloc(3000, 'x').toString('base64') });
    const started = Date.now();
    const answer = await rawRequest(port(), async (socket, sent, answered) => {
      socket.write(
        requestHead('POST', '/v1/documents', body.length, {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
        }),
      );
      for (let i = 0; i < body.length && !answered() && Date.now() - started < 15_000; i += 16) {
        socket.write(body.slice(i, i + 16));
        sent(16);
        await sleep(100);
      }
    });
    const took = Date.now() - started;
    expect(answer.status === 408 || (answer.status === 0 && answer.closed)).toBe(true);
    expect(took).toBeGreaterThanOrEqual(2_900);
    expect(took).toBeLessThan(6_000);
    await sleep(500);
    const billed = await sys.query<{ n: string }>(
      'SELECT count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1',
      [tenantId],
    );
    expect(Number(billed[0].n)).toBe(0);
  });

  it('a client that sends in time is served', async () => {
    const res = await fetch(`${sys.baseUrl}/v1/usage`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
  });
});
