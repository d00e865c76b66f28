import { DomainError, ErrorCode, periodLabelSchema } from '@docsession/contracts';
import { parsePeriodLabel, type Period } from '@docsession/metering';
import { z } from 'zod';

/** The query of an export route, as the document shows it. */
export const exportQuerySchema = <F extends string>(formats: readonly [F, ...F[]]) =>
  z.object({
    period: periodLabelSchema.meta({ description: 'The month, YYYY-MM (UTC).', example: '2026-11' }),
    format: z.enum(formats).meta({ description: 'The output format.' }),
  });

/**
 * `?period=YYYY-MM&format=…` of the export routes, both required. Anything else is a
 * 400 that says what is accepted.
 */
export function parseExportQuery<F extends string>(
  query: unknown,
  formats: readonly F[],
): { period: Period; format: F } {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const period = parsePeriodLabel(q.period);
  if (!period) {
    throw new DomainError(ErrorCode.InvalidRequest, 'Name the period as period=YYYY-MM (a calendar month, UTC).', {
      period: q.period ?? null,
    });
  }
  const format = q.format;
  if (typeof format !== 'string' || !(formats as readonly string[]).includes(format)) {
    throw new DomainError(ErrorCode.InvalidRequest, `format must be one of ${formats.join(', ')}.`, {
      format: q.format ?? null,
    });
  }
  return { period, format: format as F };
}
