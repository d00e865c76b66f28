import { LuaScript } from '@docsession/platform';
import type { Redis } from 'ioredis';
import { periodLabel, type Period } from './periods';

/**
 * Per-tenant, per-period reservation counters in Redis, shared by every gateway, so
 * that the quota check and the count of an open are one atomic step: concurrent opens
 * can never overshoot the hard limit, however many gateways take them.
 *
 * The counter counts opens admitted in the period: those billed already and those
 * still on their way to the ledger. It is seeded from metering's counter (the source of
 * truth) when missing — first open of a period, or after a Redis flush — and an open
 * that fails before it is published gives its reservation back. It expires a day after
 * its period ends.
 *
 * Beside it, a copy of the tenant's plan (its hard limit and version). It is "fresh"
 * for a while (QUOTA_PLAN_CACHE_SECONDS); after that it still answers, but the caller
 * is told to refresh it. Plan changes through the admin API overwrite it at once; a
 * copy never replaces a newer version.
 */
export type ReserveOutcome =
  | { kind: 'reserved'; used: number; hardLimit: number; stale: boolean }
  | { kind: 'refused'; used: number; hardLimit: number; stale: boolean }
  | { kind: 'unseeded' };

export interface QuotaPlanCopy {
  hardLimit: number;
  version: number;
}

export interface QuotaSeedValues extends QuotaPlanCopy {
  totalUsage: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** The plan copy outlives its freshness by far: a stale copy still answers while it is refreshed. */
const PLAN_KEY_TTL_MS = 40 * DAY_MS;

/**
 * The reservation step in Lua, over the counter key, the plan key and the time (ms) named by
 * the Lua expressions given, so that another script can run it as one of its steps (see
 * IdempotencyRecords). Returns {status, used, hard, stale}: status 0 unseeded, 1 reserved,
 * 2 refused.
 */
export function reserveLua(counter: string, plan: string, now: string): string {
  return `
local used = redis.call('GET', ${counter})
local plan = redis.call('HMGET', ${plan}, 'hard', 'fresh_until')
if not used or not plan[1] then return {0, 0, 0, 0} end
local hard = tonumber(plan[1])
local stale = 0
if tonumber(plan[2]) < tonumber(${now}) then stale = 1 end
used = tonumber(used)
if used >= hard then return {2, used, hard, stale} end
return {1, redis.call('INCR', ${counter}), hard, stale}
`;
}
const RESERVE = reserveLua('KEYS[1]', 'KEYS[2]', 'ARGV[1]');

// ARGV[1] = now, [2] hard, [3] version, [4] fresh ms, [5] key ttl ms.
const storePlan = (planKey: string) => `
local current = tonumber(redis.call('HGET', ${planKey}, 'version') or '-1')
if current <= tonumber(ARGV[3]) then
  redis.call('HSET', ${planKey}, 'hard', ARGV[2], 'version', ARGV[3], 'fresh_until', tonumber(ARGV[1]) + tonumber(ARGV[4]))
  redis.call('PEXPIRE', ${planKey}, ARGV[5])
end
`;

const reserveScript = new LuaScript(RESERVE, 2);
// The counter is set only if missing: a gateway that seeded from an older read must not
// undo the reservations made since. ARGV[6] = total, ARGV[7] = counter ttl ms.
const seedScript = new LuaScript(
  `redis.call('SET', KEYS[1], ARGV[6], 'NX', 'PX', ARGV[7])\n${storePlan('KEYS[2]')}\n${RESERVE}`,
  2,
);
const storePlanScript = new LuaScript(`${storePlan('KEYS[1]')}\nreturn 1`, 1);
const releaseScript = new LuaScript(
  `local used = tonumber(redis.call('GET', KEYS[1]) or '0')
   if used > 0 then return redis.call('DECR', KEYS[1]) end
   return 0`,
  1,
);

export class QuotaReservations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly planFreshMs: number,
  ) {}

  counterKey(tenantId: string, period: Period): string {
    return `${this.prefix}:quota:${tenantId}:${periodLabel(period)}`;
  }

  planKey(tenantId: string): string {
    return `${this.prefix}:quota-plan:${tenantId}`;
  }

  /** Takes one open of the tenant's hard limit in the period, if one is left. */
  async reserve(tenantId: string, period: Period, now = Date.now()): Promise<ReserveOutcome> {
    return outcomeOf(await reserveScript.run(this.redis, this.keys(tenantId, period), [now]));
  }

  /** Seeds what is missing (counter, plan copy) from metering's answer, then reserves. */
  async seedAndReserve(
    tenantId: string,
    period: Period,
    seed: QuotaSeedValues,
    now = Date.now(),
  ): Promise<ReserveOutcome> {
    // A request that began just before the month ended may still seed the old month.
    const counterTtlMs = Math.max(60_000, period.endExclusive.getTime() - now + DAY_MS);
    const args = [now, seed.hardLimit, seed.version, this.planFreshMs, PLAN_KEY_TTL_MS, seed.totalUsage, counterTtlMs];
    return outcomeOf(await seedScript.run(this.redis, this.keys(tenantId, period), args));
  }

  /** Replaces the plan copy unless a newer version is there already. */
  async storePlan(tenantId: string, plan: QuotaPlanCopy, now = Date.now()): Promise<void> {
    const args = [now, plan.hardLimit, plan.version, this.planFreshMs, PLAN_KEY_TTL_MS];
    await storePlanScript.run(this.redis, [this.planKey(tenantId)], args);
  }

  /** Gives a reservation back (an open that failed before it was published). */
  async release(tenantId: string, period: Period): Promise<void> {
    await releaseScript.run(this.redis, [this.counterKey(tenantId, period)], []);
  }

  /** The counter and plan keys a reservation of the tenant in the period reads, in reserveLua's order. */
  keys(tenantId: string, period: Period): [string, string] {
    return [this.counterKey(tenantId, period), this.planKey(tenantId)];
  }
}

/** A reply of reserveLua's step, read. */
export function outcomeOf(reply: unknown): ReserveOutcome {
  const [status, used, hardLimit, stale] = reply as [number, number, number, number];
  if (status === 0) return { kind: 'unseeded' };
  return { kind: status === 1 ? 'reserved' : 'refused', used, hardLimit, stale: stale === 1 };
}
