import { monthOf, QuotaReservations } from '@docsession/metering';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { IdempotencyRecords } from '../apps/gateway/src/idempotency/idempotency-records';
import { e2eState } from './support/state';

/**
 * An Idempotency-Key claim that runs the open's quota reservation in its own round trip,
 * against the real Redis under a prefix of its own: the reservation is made only by the
 * request that takes the key.
 */
describe('IdempotencyRecords.claim with a quota step (Redis script)', () => {
  const prefix = `{claims-spec-${randomBytes(4).toString('hex')}}`;
  const period = monthOf(new Date());
  let redis: Redis;
  let quota: QuotaReservations;
  let records: IdempotencyRecords;

  beforeAll(() => {
    redis = new Redis(e2eState().env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    quota = new QuotaReservations(redis, prefix, 60_000);
    records = new IdempotencyRecords(redis, prefix, 30);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const step = (tenant: string) => ({ period, keys: quota.keys(tenant, period), now: Date.now() });

  it('takes the key and reserves one open in the same call', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, { totalUsage: 3, hardLimit: 11, version: 1 });
    const claim = await records.claim(tenant, 'key-1', step(tenant));
    expect(claim).toMatchObject({ kind: 'claimed', reserved: { kind: 'reserved', used: 5, hardLimit: 11 } });
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('5');
  });

  it('reserves nothing for a key another request holds', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, { totalUsage: 0, hardLimit: 11, version: 1 });
    const first = await records.claim(tenant, 'key-2', step(tenant));
    expect(first.kind).toBe('claimed');
    expect(await records.claim(tenant, 'key-2', step(tenant))).toEqual({ kind: 'in_flight' });
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('2');
  });

  it('claims, and says so, when the tenant is unseeded or at its limit', async () => {
    const unseeded = randomUUID();
    expect(await records.claim(unseeded, 'key-3', step(unseeded))).toMatchObject({
      kind: 'claimed',
      reserved: { kind: 'unseeded' },
    });
    const full = randomUUID();
    await quota.seedAndReserve(full, period, { totalUsage: 10, hardLimit: 11, version: 1 });
    expect(await records.claim(full, 'key-4', step(full))).toMatchObject({
      kind: 'claimed',
      reserved: { kind: 'refused', used: 11 },
    });
    expect(await redis.get(quota.counterKey(full, period))).toBe('11');
  });
});
