import type { AppConfig } from '@docsession/platform';

/** One budget as @fastify/rate-limit's Redis store counts it: `max` requests per fixed window. */
export interface RateBudget {
  max: number;
  windowMs: number;
}

export interface RateBudgets {
  /** Per API key (subjects `k:<sha256 of the key>`); null: off. */
  key: RateBudget | null;
  /** Per client address (subjects `a:<address>`); null: off. */
  address: RateBudget | null;
}

/**
 * The contract's token bucket — a rate a second and a burst — as the library's Redis store
 * counts: fixed windows of burst / rate seconds, each admitting the burst. A client gets the
 * contract's sustained rate and burst; what differs is the shape within a window (a client
 * that spent its burst waits for the window's end rather than a token's worth of time, and two
 * bursts can meet at a window's edge).
 */
export function budgetOf(perSecond: number, burst: number): RateBudget | null {
  if (perSecond <= 0) return null;
  return { max: burst, windowMs: Math.max(1, Math.round((burst / perSecond) * 1000)) };
}

export function rateBudgets(
  config: Pick<
    AppConfig,
    'RATE_LIMIT_PER_SECOND' | 'RATE_LIMIT_BURST' | 'RATE_LIMIT_PER_ADDRESS_PER_SECOND' | 'RATE_LIMIT_PER_ADDRESS_BURST'
  >,
): RateBudgets {
  return {
    key: budgetOf(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST),
    address: budgetOf(config.RATE_LIMIT_PER_ADDRESS_PER_SECOND, config.RATE_LIMIT_PER_ADDRESS_BURST),
  };
}

export const keySubject = (keyHash: string) => `k:${keyHash}`;
export const addressSubject = (address: string) => `a:${address}`;

/** The budget a subject spends; a subject of a budget that is off never reaches the store. */
export function budgetOfSubject(budgets: RateBudgets, subject: string): RateBudget {
  const budget = subject.startsWith('k:') ? budgets.key : budgets.address;
  if (!budget) throw new Error(`rate limit of ${subject.slice(0, 2)} subjects is off`);
  return budget;
}
