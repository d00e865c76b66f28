import { PendingOpens } from '@docsession/pending-opens';
import { redisPrefix } from '@docsession/platform';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { api, newTenant } from './support/api';
import { sha256, syntheticSessionCreated } from './support/billing';
import { countRows } from './support/database';
import { e2eState } from './support/state';

/**
 * The page's first heartbeat comes at once after it loads, and may beat the session service's
 * consumer to a session just opened: it must find the session through the open the gateway
 * recorded (read-your-writes), as GET /v1/sessions/{id} does, not answer 404 (which the page
 * reads as "ended"). An open known only by that record (never published) shows it for sure.
 */
describe('the page’s beacons right after an open', () => {
  let redis: Redis;
  let pending: PendingOpens;

  beforeAll(() => {
    const { env } = e2eState();
    redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    pending = new PendingOpens(redis, redisPrefix({ NAMESPACE: env.NAMESPACE! }));
  });
  afterAll(() => redis.disconnect());

  async function recordedOpen() {
    const tenant = await newTenant();
    const token = randomBytes(32).toString('base64url');
    const event = syntheticSessionCreated(tenant.tenant_id, new Date().toISOString());
    event.session.tokenHash = sha256(token);
    await pending.record(event);
    return { tenant, token, event };
  }

  it('a heartbeat finds a session the consumer has not stored yet, and opens it', async () => {
    const { tenant, token, event } = await recordedOpen();
    const beat = await api('POST', `/s/${token}/heartbeat`);
    expect(beat.status).toBe(204);
    const session = await api('GET', `/v1/sessions/${event.session.sessionId}`, { key: tenant.api_key });
    expect(session.body.status).toBe('active');
    await api('DELETE', `/v1/documents/${event.document.documentId}`, { key: tenant.api_key });
  });

  it('so does a close beacon', async () => {
    const { tenant, token, event } = await recordedOpen();
    expect((await api('POST', `/s/${token}/close`)).status).toBe(202);
    expect(await countRows('session.sessions', 'id = $1', [event.session.sessionId])).toBe(1);
    await api('DELETE', `/v1/documents/${event.document.documentId}`, { key: tenant.api_key });
  });

  it('a token nobody recorded is still 404', async () => {
    expect((await api('POST', `/s/${randomBytes(32).toString('base64url')}/heartbeat`)).status).toBe(404);
  });
});
