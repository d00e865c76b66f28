import type { UsageReport } from '@docsession/contracts';

/** Opens are refused once usage reaches the limit plus its grace. */
export function hardLimit(usageLimit: number, gracePercent: number): number {
  return Math.floor((usageLimit * (100 + gracePercent)) / 100);
}

/** `warning` from 75 %, `over_limit` past 100 %, `blocked` at the hard limit. */
export function usageStatus(total: number, usageLimit: number, gracePercent: number): UsageReport['status'] {
  if (total >= hardLimit(usageLimit, gracePercent)) return 'blocked';
  if (total > usageLimit) return 'over_limit';
  if (total * 100 >= usageLimit * 75) return 'warning';
  return 'ok';
}
