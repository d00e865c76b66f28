import { ALLOW_ALL, PUBLIC_ONLY } from '@docsession/url-import';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { usageAlertBody } from './usage-alerts/usage-alert-webhook';
import { postWebhook, WebhookPostError } from './webhook-post';

interface Local {
  url: string;
  requests: { method?: string; headers: http.IncomingHttpHeaders; body: string }[];
  connections: number;
  close(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Local> {
  const local: Local = { url: '', requests: [], connections: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      local.requests.push({ method: req.method, headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on('connection', () => local.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  local.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  local.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return local;
}

const servers: Local[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const local = async (handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
  const s = await serve(handler);
  servers.push(s);
  return s;
};

const OPEN = { timeoutMs: 2_000, policy: ALLOW_ALL };

describe('postWebhook', () => {
  it('POSTs the body with the given headers and answers the status', async () => {
    const s = await local((_req, res) => res.writeHead(202).end('accepted'));
    const status = await postWebhook(
      s.url,
      Buffer.from('{"a":1}'),
      { 'Content-Type': 'application/json', 'X-Sig': 'abc' },
      OPEN,
    );
    expect(status).toBe(202);
    expect(s.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        body: '{"a":1}',
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-sig': 'abc', 'content-length': '7' }),
      }),
    ]);
  });

  it('answers error statuses as they are, and does not follow redirects', async () => {
    const failing = await local((_req, res) => res.writeHead(500).end());
    expect(await postWebhook(failing.url, Buffer.from('x'), {}, OPEN)).toBe(500);
    const moving = await local((_req, res) => res.writeHead(302, { Location: failing.url }).end());
    expect(await postWebhook(moving.url, Buffer.from('x'), {}, OPEN)).toBe(302);
    expect(failing.requests).toHaveLength(1);
  });

  it('refuses a loopback URL under the public-only policy without connecting, for good', async () => {
    const s = await local((_req, res) => res.end());
    for (const url of [s.url, s.url.replace('127.0.0.1', 'localhost'), 'http://169.254.169.254/latest']) {
      const err = await postWebhook(url, Buffer.from('x'), {}, { timeoutMs: 2_000, policy: PUBLIC_ONLY }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(WebhookPostError);
      expect(err.permanent).toBe(true);
    }
    // A host name is checked at connection time, against every address it resolves to.
    const resolveOnly = { ...PUBLIC_ONLY, isBlockedHostname: () => false };
    const err = await postWebhook(
      s.url.replace('127.0.0.1', 'localhost'),
      Buffer.from('x'),
      {},
      { timeoutMs: 2_000, policy: resolveOnly },
    ).catch((e) => e);
    expect(err).toMatchObject({ permanent: true });
    expect(s.connections).toBe(0);
  });

  it('refuses schemes other than http(s) and malformed URLs for good', async () => {
    for (const url of ['ftp://example.com/x', 'not a url', 'http://user:pw@example.com/']) {
      const err = await postWebhook(url, Buffer.from('x'), {}, OPEN).catch((e) => e);
      expect(err).toMatchObject({ permanent: true });
    }
  });

  it('gives up on a silent server after the timeout, to be retried', async () => {
    const s = await local(() => undefined); // never answers
    const started = Date.now();
    const err = await postWebhook(s.url, Buffer.from('x'), {}, { timeoutMs: 200, policy: ALLOW_ALL }).catch((e) => e);
    expect(err).toBeInstanceOf(WebhookPostError);
    expect(err.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports an unreachable server as worth retrying', async () => {
    const s = await local((_req, res) => res.end());
    const url = s.url;
    await servers.pop()!.close();
    const err = await postWebhook(url, Buffer.from('x'), {}, OPEN).catch((e) => e);
    expect(err).toMatchObject({ permanent: false });
  });
});

describe('usageAlertBody', () => {
  it('is the same bytes on every attempt, with the alert id to deduplicate by', () => {
    const alert = {
      alertId: '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11',
      tenantId: '7b3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a22',
      thresholdPercent: 90 as const,
      periodStart: '2026-11-01T00:00:00.000Z',
      firedAt: '2026-11-27T03:28:54.123Z',
      usageAtFire: 45_000,
    };
    expect(usageAlertBody(alert).toString()).toBe(
      '{"type":"usage.alert","alert_id":"6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11","tenant_id":"7b3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a22",' +
        '"threshold_percent":90,"period_start":"2026-11-01T00:00:00.000Z","fired_at":"2026-11-27T03:28:54.123Z","usage_at_fire":45000}',
    );
    expect(usageAlertBody(alert).equals(usageAlertBody(alert))).toBe(true);
  });
});
