import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run atomically in Redis: by its SHA1 (one round trip, no script text
 * on the wire), loaded on first use and again after a Redis restart or SCRIPT FLUSH.
 * Scripts must name every key they touch in KEYS, so that they work on Redis Cluster
 * when the keys share a hash tag (see redisPrefix).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(
    private readonly source: string,
    /** How many keys every run names; `any` for a script that loops over KEYS. */
    private readonly numberOfKeys: number | 'any',
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (this.numberOfKeys !== 'any' && keys.length !== this.numberOfKeys) {
      throw new Error(`expected ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
