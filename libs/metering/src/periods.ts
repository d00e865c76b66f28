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

/** `2026-11`: how a period is named in URLs, Redis keys and the CLI. */
export function periodLabel(period: Period): string {
  return period.start.toISOString().slice(0, 7);
}

const LABEL = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The period named `YYYY-MM`, or null when the label is not one. */
export function parsePeriodLabel(label: unknown): Period | null {
  const match = typeof label === 'string' ? LABEL.exec(label) : null;
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 1970) return null;
  return monthOf(new Date(Date.UTC(year, Number(match[2]) - 1, 1)));
}
