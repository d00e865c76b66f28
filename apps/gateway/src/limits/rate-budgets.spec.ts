import { budgetOf, budgetOfSubject, rateBudgets } from './rate-budgets';

describe('budgetOf', () => {
  it('admits the burst per window of burst / rate seconds', () => {
    expect(budgetOf(50, 100)).toEqual({ max: 100, windowMs: 2_000 });
    expect(budgetOf(0.5, 10)).toEqual({ max: 10, windowMs: 20_000 });
    expect(budgetOf(1_000, 10)).toEqual({ max: 10, windowMs: 10 });
  });

  it('is off at a rate of 0', () => {
    expect(budgetOf(0, 100)).toBeNull();
  });

  it('gives keys and addresses their own budgets', () => {
    const budgets = rateBudgets({
      RATE_LIMIT_PER_SECOND: 50,
      RATE_LIMIT_BURST: 100,
      RATE_LIMIT_PER_ADDRESS_PER_SECOND: 1,
      RATE_LIMIT_PER_ADDRESS_BURST: 5,
    });
    expect(budgetOfSubject(budgets, 'k:abc')).toEqual({ max: 100, windowMs: 2_000 });
    expect(budgetOfSubject(budgets, 'a:10.0.0.1')).toEqual({ max: 5, windowMs: 5_000 });
  });
});
