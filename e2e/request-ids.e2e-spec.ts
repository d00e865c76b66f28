import { JobQueue } from '@docsession/contracts';
import { redisPrefix } from '@docsession/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { api, eventually, newTenant, openText } from './support/api';
import { e2eState } from './support/state';

/** API.md: X-Request-Id is answered on every response and carried with the events and jobs it causes (text logs too). */
describe('request ids (LOG_FORMAT=text)', () => {
  const { env } = e2eState();
  let redis: Redis;
  let expiry: Queue;
  let key: string;

  beforeAll(async () => {
    redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', { maxRetriesPerRequest: null });
    expiry = new Queue(JobQueue.SessionExpiry, {
      connection: redis,
      prefix: redisPrefix({ NAMESPACE: env.NAMESPACE! }),
    });
    key = (await newTenant()).api_key;
  });
  afterAll(async () => {
    await expiry.close();
    redis.disconnect();
  });

  it("an open's X-Request-Id is answered and reaches the session's expiry job", async () => {
    const requestId = `trace-${randomBytes(6).toString('hex')}`;
    const opened = await openText(key, 'traced', { ttl_seconds: 3600 });
    expect(opened.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await api('POST', '/v1/documents', {
      key,
      headers: { 'x-request-id': requestId },
      json: { content_base64: Buffer.from('traced').toString('base64'), ttl_seconds: 3600 },
    });
    expect(traced.status).toBe(201);
    expect(traced.headers.get('x-request-id')).toBe(requestId);
    const job = await eventually(
      async () => (await expiry.getJob(traced.body.session_id)) ?? undefined,
      10_000,
      'the expiry job',
    );
    expect(job.data).toEqual({ sessionId: traced.body.session_id, requestId });
    // Every answer has one, errors too.
    const refused = await api('GET', '/v1/usage', { key: 'not-a-key' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
