import { hardLimit, usageStatus } from './usage-status';
import { monthOf, periodKey } from './periods';

describe('usage status', () => {
  it('computes the hard limit with integer arithmetic', () => {
    expect(hardLimit(10, 10)).toBe(11);
    expect(hardLimit(50_000, 10)).toBe(55_000);
    expect(hardLimit(7, 10)).toBe(7); // floor(7.7)
    expect(hardLimit(100, 0)).toBe(100);
  });

  it.each([
    [0, 'ok'],
    [74, 'ok'],
    [75, 'warning'],
    [100, 'warning'],
    [101, 'over_limit'],
    [109, 'over_limit'],
    [110, 'blocked'],
    [500, 'blocked'],
  ] as const)('usage %i of 100 (+10 %% grace) is %s', (total, status) => {
    expect(usageStatus(total, 100, 10)).toBe(status);
  });

  it('blocks everything on a zero limit', () => {
    expect(usageStatus(0, 0, 10)).toBe('blocked');
  });
});

describe('billing periods', () => {
  it('puts the last millisecond of a month and the first of the next in different periods', () => {
    const late = monthOf(new Date('2026-11-30T23:59:59.999Z'));
    const early = monthOf(new Date('2026-12-01T00:00:00.000Z'));
    expect(periodKey(late)).toBe('2026-11-01');
    expect(late.endExclusive.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(periodKey(early)).toBe('2026-12-01');
  });

  it('rolls over the year', () => {
    expect(monthOf(new Date('2026-12-31T12:00:00Z')).endExclusive.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
