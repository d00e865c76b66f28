import { monthOf, parsePeriodLabel, periodKey, periodLabel } from './periods';

describe('period labels', () => {
  it('names a period YYYY-MM and reads it back', () => {
    const period = monthOf(new Date('2026-11-30T23:59:59.999Z'));
    expect(periodLabel(period)).toBe('2026-11');
    expect(parsePeriodLabel('2026-11')).toEqual(period);
    expect(periodKey(parsePeriodLabel('2026-12')!)).toBe('2026-12-01');
    expect(parsePeriodLabel('2026-12')!.endExclusive.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    undefined,
    null,
    42,
    '',
    '2026-13',
    '2026-00',
    '2026-1',
    '26-11',
    '2026-11-01',
    ' 2026-11',
    '0099-01',
    '1969-12',
    'abcd-ef',
  ])('refuses %p', (label) => {
    expect(parsePeriodLabel(label)).toBeNull();
  });

  it('accepts February of a leap year and the first month of the epoch', () => {
    expect(parsePeriodLabel('2028-02')!.endExclusive.toISOString()).toBe('2028-03-01T00:00:00.000Z');
    expect(parsePeriodLabel('1970-01')!.start.toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });
});
