import { LEDGER_COLUMNS, LEDGER_CONTENT_TYPES, LEDGER_FORMATS } from '@docsession/metering';
import { z } from 'zod';
import { jsonReply, mediaTypeOf, type RouteDoc } from '../docs/route-doc';
import { exportQuerySchema } from '../exports/export-query';
import { usageAlertsSchema, usageViewSchema } from './usage.controller';

/** The tenant's usage routes (UsageController, UsageExportController). */
export const usageRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/usage',
    operationId: 'getUsage',
    tag: 'usage',
    auth: 'tenant',
    summary: "The tenant's plan and usage in the current period",
    replies: { 200: jsonReply('Usage.', usageViewSchema) },
  },
  {
    method: 'get',
    path: '/v1/usage/alerts',
    operationId: 'listUsageAlerts',
    tag: 'usage',
    auth: 'tenant',
    summary: 'Usage alerts (75, 90, 100 %), each fired once per period',
    replies: { 200: jsonReply('The alerts.', usageAlertsSchema) },
  },
  {
    method: 'get',
    path: '/v1/usage/export',
    operationId: 'exportUsage',
    tag: 'usage',
    auth: 'tenant',
    summary: "One row per billable call of the caller's tenant in that period",
    query: exportQuerySchema(LEDGER_FORMATS),
    replies: {
      200: {
        description:
          'Streamed, sorted by occurred_at, event_id; byte-identical once the period is closed. CSV header: ' +
          `\`${LEDGER_COLUMNS.join(',')}\` (kind = open|join); NDJSON has one ` +
          'object per line with the same fields. The bytes are defined precisely (UTF-8, LF line ends, RFC 4180 ' +
          "quoting only where needed, times with milliseconds): the billing export's `ledger_sha256` is the SHA-256 " +
          'of this CSV.',
        headers: z.object({ 'X-Row-Count': z.int().min(0).meta({ description: 'The number of rows.' }) }),
        content: Object.fromEntries(LEDGER_FORMATS.map((f) => [mediaTypeOf(LEDGER_CONTENT_TYPES[f]), z.string()])),
      },
    },
    errors: ['invalid_request'],
  },
];
