import { request } from 'node:http';
import { api, eventually, type ApiResponse } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

/** Each budget (per key, per address): BURST requests in a window of BURST / 1 s = 10 s. */
const BURST = 10;

/**
 * API.md's limits on an instance of its own with two gateways and small budgets: a key's
 * budget is spent on either gateway alike (it is counted in Redis), a limited open is
 * neither stored nor billed, and requests without a key — the session page's among them —
 * spend their client address's budget. The gateways trust 127.0.0.1 as a proxy, so each
 * test names its client address in X-Forwarded-For and has budgets of its own.
 */
describe('rate limits', () => {
  let sys: IsolatedSystem;

  beforeAll(async () => {
    sys = await IsolatedSystem.start(
      'limits',
      {
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: String(BURST),
        RATE_LIMIT_PER_ADDRESS_PER_SECOND: '1',
        RATE_LIMIT_PER_ADDRESS_BURST: String(BURST),
        TRUST_PROXY: '127.0.0.1',
      },
      { gateway: 2 },
    );
  }, 180_000);
  afterAll(() => sys?.stop(), 60_000);

  /** The two gateways, turn about. */
  const gateway = (i: number) => sys.gatewayUrl(i % 2 === 0 ? 'gateway' : 'gateway-2');
  const from = (address: string) => ({ 'x-forwarded-for': address });

  async function newTenant(): Promise<{ tenant_id: string; api_key: string }> {
    const res = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, { key: sys.t.adminToken, json: { name: 'x' } });
    expect(res.status).toBe(201);
    return res.body;
  }

  function open(i: number, key: string, address: string): Promise<ApiResponse> {
    return api('POST', `${gateway(i)}/v1/documents`, {
      key,
      headers: from(address),
      json: { content_base64: Buffer.from(`open ${i}`).toString('base64'), document: { name: 'note.txt' } },
    });
  }

  function expectRateLimited(res: ApiResponse): void {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(BURST);
    expect(res.headers.get('ratelimit-limit')).toBe(String(BURST));
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
  }

  it("spends one key's budget on both gateways, and a limited open is neither stored nor billed", async () => {
    const tenant = await newTenant();
    const answers: ApiResponse[] = [];
    for (let i = 0; i < BURST + 4; i++) answers.push(await open(i, tenant.api_key, '198.51.100.1'));

    expect(answers.map((a) => a.status)).toEqual([...Array(BURST).fill(201), ...Array(4).fill(429)]);
    expect(answers.slice(0, BURST).map((a) => a.headers.get('ratelimit-remaining'))).toEqual(
      Array.from({ length: BURST }, (_, i) => String(BURST - 1 - i)),
    );
    for (const a of answers.slice(0, BURST)) {
      expect(a.headers.get('ratelimit-limit')).toBe(String(BURST));
      expect(Number(a.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
    answers.slice(BURST).forEach(expectRateLimited);

    const billed = () =>
      sys
        .query<{ n: string }>('SELECT count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1', [
          tenant.tenant_id,
        ])
        .then((rows) => Number(rows[0].n));
    await eventually(async () => ((await billed()) === BURST ? true : undefined), 5_000, 'the admitted opens billed');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await billed()).toBe(BURST);
    const stored = await sys.query<{ n: string }>('SELECT count(*) AS n FROM session.sessions WHERE tenant_id = $1', [
      tenant.tenant_id,
    ]);
    expect(Number(stored[0].n)).toBe(BURST);
  });

  it('answers a limited open before its body is read', async () => {
    const tenant = await newTenant();
    for (let i = 0; i < BURST; i++) expect((await open(i, tenant.api_key, '198.51.100.4')).status).toBe(201);
    // A body that never ends: only an answer given before reading it can arrive.
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${gateway(1)}/v1/documents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.api_key}`,
          'content-type': 'application/json',
          'x-forwarded-for': '198.51.100.4',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', reject);
      req.write('{"content_base64": "');
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body).error.code).toBe('rate_limited');
  });

  it('limits the session page per client address, whichever gateway and session it reaches', async () => {
    const tenant = await newTenant();
    const sessions = [await open(0, tenant.api_key, '198.51.100.2'), await open(1, tenant.api_key, '198.51.100.2')];
    const tokens = sessions.map((s) => new URL(s.body.document_url as string).pathname.split('/').pop()!);

    const beats: ApiResponse[] = [];
    for (let i = 0; i < BURST + 2; i++) {
      beats.push(await api('POST', `${gateway(i)}/s/${tokens[i % 2]}/heartbeat`, { headers: from('203.0.113.7') }));
    }
    expect(beats.map((b) => b.status)).toEqual([...Array(BURST).fill(204), 429, 429]);
    beats.slice(BURST).forEach(expectRateLimited);

    // Another address has a budget of its own.
    const other = await api('POST', `${gateway(0)}/s/${tokens[0]}/heartbeat`, { headers: from('203.0.113.8') });
    expect(other.status).toBe(204);
  });

  it('limits requests without a valid key by their address, before any key lookup', async () => {
    const answers: ApiResponse[] = [];
    for (let i = 0; i < BURST + 2; i++) {
      // No key, then made-up keys: neither is anyone's budget but the address's.
      const key = i % 2 === 0 ? null : `made-up-key-${i}`;
      answers.push(await api('GET', `${gateway(i)}/v1/usage`, { key, headers: from('203.0.113.9') }));
    }
    expect(answers.map((a) => a.status)).toEqual([...Array(BURST).fill(401), 429, 429]);
    answers.slice(BURST).forEach(expectRateLimited);
  });

  it("limits Zoho's routes by the apikey parameter, answering in Zoho's terms", async () => {
    const tenant = await newTenant();
    const answers: ApiResponse[] = [];
    for (let i = 0; i < BURST + 1; i++) {
      answers.push(
        await api('GET', `${gateway(i)}/api/v1/plan?apikey=${tenant.api_key}`, { headers: from('198.51.100.3') }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([...Array(BURST).fill(200), 429]);
    const limited = answers[BURST];
    expect(limited.body).toEqual({ code: 1845, message: 'API call limit exceeded.' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('keeps probes out of every budget', async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST + 2 }, (_, i) => api('GET', `${gateway(i)}/readyz`, { headers: from('203.0.113.9') })),
    );
    expect(answers.every((a) => a.status === 200 && !a.headers.has('ratelimit-limit'))).toBe(true);
  });
});
