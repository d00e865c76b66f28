import { parseConfig } from '@docsession/platform';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { gatewayServerOptions } from './gateway-http';

/** The address a per-address limit counts, as the gateway's server options make Fastify see it. */
async function clientAddress(env: NodeJS.ProcessEnv, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const app = new FastifyAdapter(gatewayServerOptions(parseConfig(env))).getInstance();
  app.get('/', async (req) => req.ip);
  try {
    const res = await app.inject({
      url: '/',
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
    return res.body;
  } finally {
    await app.close();
  }
}

describe("the client's address", () => {
  it('is the peer by default, whatever X-Forwarded-For says', async () => {
    expect(await clientAddress({}, '192.0.2.10', '203.0.113.1')).toBe('192.0.2.10');
  });

  it("is X-Forwarded-For's only when the peer is a proxy TRUST_PROXY lists", async () => {
    const env = { TRUST_PROXY: '10.0.0.0/8' };
    expect(await clientAddress(env, '10.1.2.3', '203.0.113.1')).toBe('203.0.113.1');
    expect(await clientAddress(env, '192.0.2.10', '203.0.113.1')).toBe('192.0.2.10');
    // A client cannot prepend an address of its choosing: the hop the proxy saw is the client.
    expect(await clientAddress(env, '10.1.2.3', '198.51.100.66, 203.0.113.1')).toBe('203.0.113.1');
  });
});
