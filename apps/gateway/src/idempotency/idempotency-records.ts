import { outcomeOf, reserveLua, type ReserveOutcome } from '@docsession/metering';
import { LuaScript } from '@docsession/platform';
import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { storedSessionViewSchema } from '../opens/session-presenter';
import type { QuotaStep } from '../quota/quota-gate';

/** How long an answered key is remembered (API.md: 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const LOCKED = 'L:';
const ANSWERED = 'A:';

// The body is kept without `document_url`: its token is a bearer secret, and the
// gateway can compute it again from the session id (see SessionTokens).
const answerSchema = z.object({ fingerprint: z.string(), status: z.number().int(), body: storedSessionViewSchema });
export type StoredAnswer = z.infer<typeof answerSchema>;

/** The key is ours: run the request, then `complete` (or `release` if it failed). */
export interface KeyClaim {
  kind: 'claimed';
  /** The outcome of the quota reservation the claim ran (see `claim`). */
  reserved: ReserveOutcome;
  complete(answer: StoredAnswer): Promise<void>;
  release(): Promise<void>;
}

export type KeyState = KeyClaim | { kind: 'in_flight' } | { kind: 'answered'; answer: StoredAnswer };

// An answer is stored only by the claim's owner, or when the lock lapsed and nobody took it.
const complete = new LuaScript(
  `local v = redis.call('GET', KEYS[1])
   if v == ARGV[1] or not v then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
   return 0`,
  1,
);
const release = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
   return 0`,
  1,
);
const extend = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
   return 0`,
  1,
);

// Takes the key (as SET NX PX does) and, only if it got it, runs the open's quota reservation,
// in one round trip. KEYS: record, quota counter, quota plan; ARGV: lock, lease ms, now.
// Returns {1, reservation} when claimed, else {0, the record's value (nil if gone)}.
const claimAndReserve = new LuaScript(
  `if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
     return {0, redis.call('GET', KEYS[1])}
   end
   local function reserve()${reserveLua('KEYS[2]', 'KEYS[3]', 'ARGV[3]')}end
   return {1, reserve()}`,
  3,
);

/**
 * Idempotency records in Redis, one per tenant and key (the key is hashed into the
 * Redis key, so any 255 characters are fine): first a lock while the request runs,
 * then its answer for 24 h. Whoever sets the lock (SET NX) runs the request; everyone
 * else sees the lock or the answer.
 *
 * The lock is a lease of `lockSeconds`, extended every third of it for as long as its
 * request runs — however long a slow client takes to send its body — so it lapses
 * only when the gateway holding it is gone. A same-key request therefore never runs
 * beside a live first one.
 */
export class IdempotencyRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly lockSeconds: number,
  ) {}

  /**
   * Takes the key, or says who has it. The same round trip runs the open's quota reservation
   * once the key is taken (and only then: a replay or a wait costs no open), and the claim
   * carries its outcome.
   */
  async claim(tenantId: string, idempotencyKey: string, quota: QuotaStep): Promise<KeyState> {
    const key = this.keyOf(tenantId, idempotencyKey);
    const leaseMs = this.lockSeconds * 1000;
    for (;;) {
      const lock = `${LOCKED}${randomUUID()}`;
      const keys = [key, ...quota.keys];
      const [claimed, reply] = (await claimAndReserve.run(this.redis, keys, [lock, leaseMs, quota.now])) as [
        number,
        unknown,
      ];
      if (claimed === 1) return this.claimed(key, lock, leaseMs, outcomeOf(reply));
      const value = reply as string | null;
      if (value === null) continue; // released in between: try to take it again
      if (value.startsWith(LOCKED)) return { kind: 'in_flight' };
      return { kind: 'answered', answer: answerSchema.parse(JSON.parse(value.slice(ANSWERED.length))) };
    }
  }

  private claimed(key: string, lock: string, leaseMs: number, reserved: ReserveOutcome): KeyClaim {
    // A failed extension is retried at the next tick; the lease outlasts two of them.
    const renewal = setInterval(() => {
      extend.run(this.redis, [key], [lock, leaseMs]).catch(() => undefined);
    }, leaseMs / 3);
    renewal.unref();
    return {
      kind: 'claimed',
      reserved,
      complete: async (answer) => {
        clearInterval(renewal);
        await complete.run(this.redis, [key], [lock, ANSWERED + JSON.stringify(answer), IDEMPOTENCY_TTL_SECONDS]);
      },
      release: async () => {
        clearInterval(renewal);
        await release.run(this.redis, [key], [lock]);
      },
    };
  }

  private keyOf(tenantId: string, idempotencyKey: string): string {
    return `${this.prefix}:idempotency:${tenantId}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  }
}
