/** Billing periods: calendar months in UTC, half-open [start, end). */
export interface Period {
  start: Date;
  endExclusive: Date;
}

export function monthOf(at: Date): Period {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const endExclusive = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, endExclusive };
}

/** `2026-11-01` for the period's `date` column. */
export function periodKey(period: Period): string {
  return period.start.toISOString().slice(0, 10);
}
