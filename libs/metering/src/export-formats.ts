import { isoTimeSchema, openKindSchema } from '@docsession/contracts';
import { z } from 'zod';

/**
 * The byte formats of the exports. They are part of the contract twice over: clients
 * parse them, and `ledger_sha256` is the SHA-256 of a tenant's CSV export, so the same
 * rows must always give the same bytes:
 *
 * - UTF-8, no byte-order mark; every line, the header's included, ends with "\n" (LF);
 * - a CSV text field that starts with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'`,
 *   so that a spreadsheet shows it as text instead of running it as a formula (a user id
 *   or tenant name is anyone's text); then a field that contains a comma, a double
 *   quote, CR or LF is enclosed in double quotes with inner quotes doubled (RFC 4180);
 *   a missing value (user_id) is an empty field. Both steps depend on the value alone,
 *   so `ledger_sha256` — the SHA-256 of exactly these bytes — is reproducible from the
 *   ledger rows by anyone who writes them by these rules;
 * - times are UTC with milliseconds, `2026-11-27T03:28:54.123Z`;
 * - NDJSON has one JSON object per line with the CSV's columns, in the CSV's order
 *   (missing values are `null`), written by JSON.stringify without spaces.
 */
export const LEDGER_FORMATS = ['csv', 'ndjson'] as const;
export const BILLING_FORMATS = ['csv', 'json'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];
export type BillingFormat = (typeof BILLING_FORMATS)[number];

/** One billable call as the export shows it (times already formatted by PostgreSQL). */
/** A row of the ledger as the export selects it (times already formatted by PostgreSQL). */
export const ledgerRowSchema = z.object({
  event_id: z.string(),
  occurred_at: z.string(),
  tenant_id: z.string(),
  session_id: z.string(),
  document_id: z.string(),
  user_id: z.string().nullable(),
  kind: openKindSchema,
});
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

export const LEDGER_COLUMNS = [
  'event_id',
  'occurred_at',
  'tenant_id',
  'session_id',
  'document_id',
  'user_id',
  'kind',
] as const;

/** One tenant's line of the operator's billing export. */
export const billingRowSchema = z
  .object({
    tenant_id: z.uuid(),
    tenant_name: z.string(),
    period_start: isoTimeSchema,
    period_end_exclusive: isoTimeSchema,
    usage_limit: z.int().min(0),
    billable_calls: z.int().min(0),
    overage_calls: z.int().min(0),
    ledger_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({
        description:
          "The SHA-256 (hex) of exactly the bytes of the tenant's CSV usage export of the period " +
          "(LF line ends, cells starting with =, +, -, @, TAB or CR prefixed with ').",
      }),
  })
  .meta({ id: 'BillingRow' });
export type BillingRow = z.infer<typeof billingRowSchema>;

export const BILLING_COLUMNS = [
  'tenant_id',
  'tenant_name',
  'period_start',
  'period_end_exclusive',
  'usage_limit',
  'billable_calls',
  'overage_calls',
  'ledger_sha256',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const LEDGER_CSV_HEADER = `${LEDGER_COLUMNS.join(',')}\n`;
export const BILLING_CSV_HEADER = `${BILLING_COLUMNS.join(',')}\n`;

export function ledgerLine(row: LedgerRow, format: LedgerFormat): string {
  if (format === 'ndjson') {
    const ordered = Object.fromEntries(LEDGER_COLUMNS.map((c) => [c, row[c]]));
    return `${JSON.stringify(ordered)}\n`;
  }
  return `${LEDGER_COLUMNS.map((c) => csvField(row[c])).join(',')}\n`;
}

export function billingCsvLine(row: BillingRow): string {
  return `${BILLING_COLUMNS.map((c) => csvField(row[c])).join(',')}\n`;
}

export const LEDGER_CONTENT_TYPES: Record<LedgerFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export const BILLING_CONTENT_TYPES: Record<BillingFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};
