import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { isBlockedAddress, isBlockedHostname, type AddressPolicy } from './address-policy';
import { UrlImportError, type UrlImportFailure } from './errors';
import { guardedLookup } from './guarded-lookup';
import { ALLOW_ALL } from './address-policy';
import { openUrl, openUrlWithPolicy, type UrlImportOptions } from './open-url';

/** A real HTTP server on 127.0.0.1 that records what reached it. */
interface TestServer {
  base: string;
  port: number;
  connections: number;
  requests: { url: string; headers: IncomingHttpHeaders }[];
}

const servers: http.Server[] = [];

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const server = http.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = { base: `http://127.0.0.1:${port}`, port, connections: 0, requests: [] };
  server.on('connection', () => state.connections++);
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return state;
}

afterEach(async () => {
  const closing = servers.splice(0).map((server) => {
    server.closeAllConnections(); // servers that stall on purpose must not keep jest alive
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await Promise.all(closing);
});

const LOCAL: UrlImportOptions = { timeoutMs: 2_000, maxBytes: 1_024, maxRedirects: 3, allowPrivateAddresses: true };
const PUBLIC: UrlImportOptions = { ...LOCAL, allowPrivateAddresses: false };

async function failure(promise: Promise<unknown>): Promise<UrlImportError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UrlImportError);
    return err as UrlImportError;
  }
  throw new Error('expected a UrlImportError, but the promise resolved');
}

async function reason(promise: Promise<unknown>): Promise<UrlImportFailure> {
  return (await failure(promise)).reason;
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('openUrl against a local server (allowPrivateAddresses)', () => {
  it('returns the body, content type and Content-Disposition filename', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'Text/Plain; charset=utf-8',
        'Content-Disposition': 'attachment; filename="notes.txt"',
        'Content-Length': '11',
        'Set-Cookie': 'session=abc',
      });
      res.end('hello world');
    });
    const imported = await openUrl(`${server.base}/download?id=7#frag`, LOCAL);
    expect(imported.finalUrl).toBe(`${server.base}/download?id=7`);
    expect(imported.contentType).toBe('text/plain');
    expect(imported.filename).toBe('notes.txt');
    expect(imported.contentLength).toBe(11);
    expect(await readAll(imported.body)).toBe('hello world');
    const { headers } = server.requests[0];
    expect(headers['user-agent']).toBe('docsession-url-import/1');
    expect(headers.accept).toBe('*/*');
    expect(headers.cookie).toBeUndefined();
  });

  it('follows redirects, resolving Location against the current URL, without carrying cookies', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(301, { Location: 'docs/step', 'Set-Cookie': 'a=1' }).end('moved');
      else if (req.url === '/docs/step') res.writeHead(307, { Location: '/files/My%20Report.pdf' }).end();
      else res.writeHead(200, { 'Content-Type': 'application/pdf' }).end('%PDF');
    });
    const imported = await openUrl(`${server.base}/start`, LOCAL);
    expect(imported.finalUrl).toBe(`${server.base}/files/My%20Report.pdf`);
    expect(imported.filename).toBe('My Report.pdf');
    expect(imported.contentType).toBe('application/pdf');
    expect(imported.contentLength).toBeNull();
    expect(await readAll(imported.body)).toBe('%PDF');
    expect(server.requests.map((r) => r.url)).toEqual(['/start', '/docs/step', '/files/My%20Report.pdf']);
    expect(server.requests.every((r) => r.headers.cookie === undefined)).toBe(true);
  });

  it('detects a redirect loop', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, { Location: req.url === '/a' ? '/b' : '/a' }).end();
    });
    const err = await failure(openUrl(`${server.base}/a`, { ...LOCAL, maxRedirects: 10 }));
    expect(err.reason).toBe('redirect_loop');
    expect(server.requests).toHaveLength(2);
  });

  it('stops after maxRedirects', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      res.writeHead(308, { Location: `/${n + 1}` }).end();
    });
    const err = await failure(openUrl(`${server.base}/0`, { ...LOCAL, maxRedirects: 3 }));
    expect(err.reason).toBe('redirect_limit');
    expect(server.requests.map((r) => r.url)).toEqual(['/0', '/1', '/2', '/3']);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const server = await serve((_req, res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end());
    expect(await reason(openUrl(server.base, LOCAL))).toBe('scheme');
  });

  it('reports a non-2xx status with its code', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end('not here'));
    const err = await failure(openUrl(`${server.base}/missing`, LOCAL));
    expect(err.reason).toBe('http_status');
    expect(err.message).toContain('404');
  });

  it('refuses a declared Content-Length above maxBytes before reading the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '5000' });
      res.write('x'.repeat(100)); // the rest never comes: the import must not wait for it
    });
    expect(await reason(openUrl(server.base, LOCAL))).toBe('too_large');
  });

  it('errors the body stream once a chunked body grows past maxBytes', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // chunked, no length
      const timer = setInterval(() => res.write('y'.repeat(300)), 5);
      res.on('close', () => clearInterval(timer));
    });
    const imported = await openUrl(server.base, LOCAL);
    expect(imported.contentLength).toBeNull();
    expect(await reason(readAll(imported.body))).toBe('too_large');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const server = await serve((_req, res) => res.end('z'.repeat(LOCAL.maxBytes)));
    const imported = await openUrl(server.base, LOCAL);
    expect(await readAll(imported.body)).toHaveLength(LOCAL.maxBytes);
  });

  it('times out within about timeoutMs when the server never answers', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    expect(await reason(openUrl(server.base, { ...LOCAL, timeoutMs: 200 }))).toBe('timeout');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_000);
    expect(server.connections).toBe(1);
  });

  it('errors the body stream when the deadline passes mid-body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial'); // and then stall
    });
    const imported = await openUrl(server.base, { ...LOCAL, timeoutMs: 200 });
    expect(await reason(readAll(imported.body))).toBe('timeout');
  });

  it('counts redirects against the same deadline', async () => {
    const server = await serve((req, res) => {
      setTimeout(() => res.writeHead(302, { Location: `${req.url}x` }).end(), 80);
    });
    const started = Date.now();
    expect(await reason(openUrl(`${server.base}/`, { ...LOCAL, timeoutMs: 200, maxRedirects: 20 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a refused connection as a network failure', async () => {
    const server = await serve(() => undefined);
    const closed = servers.pop() as http.Server;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await reason(openUrl(server.base, LOCAL))).toBe('network');
  });

  it('reports a body cut short as a network failure', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('only ten b', () => res.destroy());
    });
    const imported = await openUrl(server.base, LOCAL);
    expect(await reason(readAll(imported.body))).toBe('network');
  });
});

describe('openUrl input validation', () => {
  it.each<[string, UrlImportFailure]>([
    ['ftp://example.com/file.txt', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'invalid_url'],
    ['', 'invalid_url'],
    ['http://user:secret@example.com/doc.pdf', 'invalid_url'],
    ['https://user@example.com/doc.pdf', 'invalid_url'],
  ])('%s -> %s', async (url, expected) => {
    expect(await reason(openUrl(url, PUBLIC))).toBe(expected);
  });
});

describe('openUrl address policy (allowPrivateAddresses false)', () => {
  it('refuses a loopback IP without connecting', async () => {
    const server = await serve((_req, res) => res.end('secret'));
    const err = await failure(openUrl(`${server.base}/`, PUBLIC));
    expect(err.reason).toBe('blocked_address');
    expect(err.message).toBe('The URL resolves to a private or loopback address, which is not allowed.');
    expect(server.connections).toBe(0);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00:ec2::254]/latest/meta-data',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/', // 127.0.0.1 in decimal, normalised by the URL parser
    'http://0x7f.1/',
    'http://10.0.0.1/',
    'https://192.168.0.1/',
    'http://localhost/',
    'http://api.localhost./',
  ])('refuses %s fast, before any connection attempt', async (url) => {
    const started = Date.now();
    expect(await reason(openUrl(url, { ...PUBLIC, timeoutMs: 5_000 }))).toBe('blocked_address');
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses localhost with a port', async () => {
    const server = await serve((_req, res) => res.end('secret'));
    expect(await reason(openUrl(`http://localhost:${server.port}/`, PUBLIC))).toBe('blocked_address');
    expect(server.connections).toBe(0);
  });

  it('checks the addresses a host name resolves to at connection time', async () => {
    // Name checks off, so the only thing standing between the request and the server is the guarded lookup.
    const server = await serve((_req, res) => res.end('secret'));
    const resolveOnly: AddressPolicy = { isBlockedAddress, isBlockedHostname: () => false };
    const err = await failure(openUrlWithPolicy(`http://localhost:${server.port}/`, PUBLIC, resolveOnly));
    expect(err.reason).toBe('blocked_address');
    expect(server.connections).toBe(0);
  });

  describe('on redirect hops', () => {
    /** The real policy, except that the very first check of 127.0.0.1 passes, so the test server is reachable once. */
    function firstHopExempt(): AddressPolicy {
      let exemptions = 1;
      return {
        isBlockedHostname,
        isBlockedAddress: (ip) => (ip === '127.0.0.1' && exemptions-- > 0 ? false : isBlockedAddress(ip)),
      };
    }

    it.each([
      (port: number) => `http://127.0.0.1:${port}/internal`,
      () => 'http://169.254.169.254/latest/meta-data',
      () => 'http://[::ffff:7f00:1]/',
      (port: number) => `http://localhost:${port}/internal`,
    ])('refuses a redirect to a blocked target (%#)', async (target) => {
      const server = await serve((req, res) => {
        if (req.url === '/internal') res.end('secret');
        else res.writeHead(302, { Location: target(server.port) }).end();
      });
      expect(await reason(openUrlWithPolicy(`${server.base}/start`, PUBLIC, firstHopExempt()))).toBe('blocked_address');
      expect(server.requests.map((r) => r.url)).toEqual(['/start']);
    });

    it('still follows a redirect to an allowed target', async () => {
      const server = await serve((req, res) => {
        if (req.url === '/start') res.writeHead(302, { Location: '/next' }).end();
        else res.end('ok');
      });
      const permissive = {
        isBlockedHostname,
        isBlockedAddress: (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip),
      };
      const imported = await openUrlWithPolicy(`${server.base}/start`, PUBLIC, permissive);
      expect(await readAll(imported.body)).toBe('ok');
    });
  });
});

describe('guardedLookup', () => {
  const lookup = (policy: AddressPolicy, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      guardedLookup(policy)('localhost', { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it('refuses a name that resolves to a blocked address', async () => {
    const { err } = await lookup({ isBlockedAddress, isBlockedHostname: () => false }, true);
    expect(err).toBeInstanceOf(UrlImportError);
    expect((err as UrlImportError).reason).toBe('blocked_address');
  });

  it('answers in the shape net asks for', async () => {
    const many = await lookup(ALLOW_ALL, true);
    expect(many.err).toBeNull();
    expect(Array.isArray(many.address)).toBe(true);
    const one = await lookup(ALLOW_ALL, false);
    expect(one.err).toBeNull();
    expect(typeof one.address).toBe('string');
    expect([4, 6]).toContain(one.family);
  });
});
