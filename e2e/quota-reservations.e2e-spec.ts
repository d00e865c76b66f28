import { monthOf, QuotaReservations } from '@docsession/metering';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { e2eState } from './support/state';

/**
 * The reservation scripts against the real Redis, under a key prefix of their own that
 * is removed afterwards: the atomic check-and-count, seeding, release and plan copies.
 */
describe('QuotaReservations (Redis scripts)', () => {
  const prefix = `{quota-spec-${randomBytes(4).toString('hex')}}`;
  const period = monthOf(new Date());
  const FRESH_MS = 60_000;
  let redis: Redis;
  let quota: QuotaReservations;

  beforeAll(() => {
    redis = new Redis(e2eState().env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    quota = new QuotaReservations(redis, prefix, FRESH_MS);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const seed = (totalUsage: number, hardLimit: number, version = 1) => ({ totalUsage, hardLimit, version });

  it('reports an unseeded tenant, then seeds and reserves in one step', async () => {
    const tenant = randomUUID();
    expect(await quota.reserve(tenant, period)).toEqual({ kind: 'unseeded' });
    expect(await quota.seedAndReserve(tenant, period, seed(4, 11))).toEqual({
      kind: 'reserved',
      used: 5,
      hardLimit: 11,
      stale: false,
    });
    expect(await quota.reserve(tenant, period)).toMatchObject({ kind: 'reserved', used: 6 });
  });

  it('refuses at the hard limit without counting the refusal', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, seed(9, 11));
    expect(await quota.reserve(tenant, period)).toMatchObject({ kind: 'reserved', used: 11 });
    expect(await quota.reserve(tenant, period)).toEqual({ kind: 'refused', used: 11, hardLimit: 11, stale: false });
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('11');
  });

  it('never overshoots under 200 concurrent reservations', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, seed(0, 20));
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => quota.reserve(tenant, period)));
    expect(outcomes.filter((o) => o.kind === 'reserved')).toHaveLength(19);
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('20');
  });

  it('seeds the counter only when it is missing: concurrent seeders keep each other’s reservations', async () => {
    const tenant = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => quota.seedAndReserve(tenant, period, seed(3, 100))),
    );
    expect(outcomes.map((o) => (o.kind === 'reserved' ? o.used : 0)).sort((a, b) => a - b)).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    ]);
    // A late seeder with an older read of the total does not reset the count.
    await quota.seedAndReserve(tenant, period, seed(0, 100));
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('14');
  });

  it('gives a reservation back, never below zero', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, seed(0, 5));
    await quota.release(tenant, period);
    await quota.release(tenant, period);
    expect(await redis.get(quota.counterKey(tenant, period))).toBe('0');
    await quota.release(randomUUID(), period); // no counter at all: nothing happens
  });

  it('keeps the newest plan version, whoever writes last', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, seed(0, 5, 1));
    await quota.storePlan(tenant, { hardLimit: 50, version: 3 });
    await quota.storePlan(tenant, { hardLimit: 7, version: 2 }); // an older read arriving late
    await quota.seedAndReserve(tenant, period, seed(0, 5, 1));
    expect(await redis.hget(quota.planKey(tenant), 'hard')).toBe('50');
    expect(await quota.reserve(tenant, period)).toMatchObject({ kind: 'reserved', hardLimit: 50 });
  });

  it('applies a lowered plan to the next reservation', async () => {
    const tenant = randomUUID();
    await quota.seedAndReserve(tenant, period, seed(0, 100, 1));
    await quota.reserve(tenant, period);
    await quota.storePlan(tenant, { hardLimit: 2, version: 2 });
    expect(await quota.reserve(tenant, period)).toMatchObject({ kind: 'refused', used: 2, hardLimit: 2 });
  });

  it('marks a plan copy older than its freshness as stale, and still answers with it', async () => {
    const tenant = randomUUID();
    const t0 = Date.now();
    await quota.seedAndReserve(tenant, period, seed(0, 3), t0);
    expect(await quota.reserve(tenant, period, t0 + FRESH_MS - 1)).toMatchObject({ kind: 'reserved', stale: false });
    expect(await quota.reserve(tenant, period, t0 + FRESH_MS + 1)).toMatchObject({ kind: 'reserved', stale: true });
    expect(await quota.reserve(tenant, period, t0 + FRESH_MS + 1)).toMatchObject({ kind: 'refused', stale: true });
  });

  it('lets the counter expire a day after its period ends', async () => {
    const tenant = randomUUID();
    const now = Date.now();
    await quota.seedAndReserve(tenant, period, seed(0, 3), now);
    const ttl = await redis.pttl(quota.counterKey(tenant, period));
    const expected = period.endExclusive.getTime() + 24 * 3600 * 1000 - now;
    expect(Math.abs(ttl - expected)).toBeLessThan(5_000);
  });

  it('keeps periods apart', async () => {
    const tenant = randomUUID();
    const last = monthOf(new Date(period.start.getTime() - 1));
    await quota.seedAndReserve(tenant, last, seed(5, 5));
    expect(await quota.reserve(tenant, last)).toMatchObject({ kind: 'refused' });
    expect(await quota.reserve(tenant, period)).toEqual({ kind: 'unseeded' });
  });
});
