import { BILLING_COLUMNS, BILLING_CONTENT_TYPES, BILLING_FORMATS, billingRowSchema } from '@docsession/metering';
import { z } from 'zod';
import { jsonBody, jsonReply, mediaTypeOf, type RouteDoc } from '../docs/route-doc';
import { exportQuerySchema } from '../exports/export-query';
import { pathIdSchema } from '../http/id.pipe';
import { createTenantSchema, keyCreatedSchema, keyRevokedSchema, tenantCreatedSchema } from './admin.controller';
import { deadLetterQuerySchema, deadLetterReplayedSchema, deadLettersSchema } from './dead-letters.controller';
import { planChangeSchema, planViewSchema } from './plans.controller';
import { purgeRunsSchema, purgeStartedSchema } from './purge.controller';

const tenantId = z.object({ tenant_id: pathIdSchema('tenant') });
const billingBody: Record<(typeof BILLING_FORMATS)[number], z.ZodType> = {
  csv: z.string(),
  json: z.array(billingRowSchema),
};

/** The operator's routes (AdminController, PlansController, BillingExportController, PurgeController, DeadLettersController). */
export const adminRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/admin/tenants',
    operationId: 'createTenant',
    tag: 'admin',
    auth: 'admin',
    summary: 'Create a tenant with its plan (secrets shown once)',
    body: jsonBody(createTenantSchema),
    replies: { 201: jsonReply('Created.', tenantCreatedSchema) },
    errors: ['invalid_request'],
  },
  {
    method: 'post',
    path: '/v1/admin/tenants/{tenant_id}/keys',
    operationId: 'createKey',
    tag: 'admin',
    auth: 'admin',
    summary: 'Create another API key for a tenant (shown once)',
    params: tenantId,
    replies: { 201: jsonReply('Created.', keyCreatedSchema) },
    errors: ['not_found'],
  },
  {
    method: 'patch',
    path: '/v1/admin/tenants/{tenant_id}/plan',
    operationId: 'changePlan',
    tag: 'admin',
    auth: 'admin',
    summary: "Change a tenant's plan (usage_limit, grace_percent, name)",
    params: tenantId,
    body: jsonBody(planChangeSchema),
    replies: { 200: jsonReply('Changed.', planViewSchema) },
    errors: ['invalid_request', 'not_found'],
  },
  {
    method: 'delete',
    path: '/v1/admin/keys/{key_id}',
    operationId: 'revokeKey',
    tag: 'admin',
    auth: 'admin',
    summary: 'Revoke an API key (it answers 401 at once)',
    params: z.object({ key_id: pathIdSchema('key') }),
    replies: { 200: jsonReply('Revoked.', keyRevokedSchema) },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/admin/billing/export',
    operationId: 'exportBilling',
    tag: 'admin',
    auth: 'admin',
    summary: 'One billing row per tenant for a period',
    query: exportQuerySchema(BILLING_FORMATS),
    replies: {
      200: {
        description: `CSV header: \`${BILLING_COLUMNS.join(',')}\`; JSON: an array of the same rows.`,
        content: Object.fromEntries(
          BILLING_FORMATS.map((f) => [mediaTypeOf(BILLING_CONTENT_TYPES[f]), billingBody[f]]),
        ),
      },
    },
    errors: ['invalid_request'],
  },
  {
    method: 'post',
    path: '/v1/admin/purge',
    operationId: 'startPurge',
    tag: 'admin',
    auth: 'admin',
    summary: 'Run the purge now',
    replies: { 202: jsonReply('Started.', purgeStartedSchema) },
  },
  {
    method: 'get',
    path: '/v1/admin/purge-runs',
    operationId: 'listPurgeRuns',
    tag: 'admin',
    auth: 'admin',
    summary: 'Recent purge runs with what each removed',
    replies: { 200: jsonReply('The runs.', purgeRunsSchema) },
  },
  {
    method: 'get',
    path: '/v1/admin/dead-letters',
    operationId: 'listDeadLetters',
    tag: 'admin',
    auth: 'admin',
    summary: 'Events the consumers gave up, with their last error, oldest first',
    description:
      'An event goes to the dead letters after EVENT_MAX_DELIVERIES failed deliveries, or at once when it can ' +
      'never apply (an invalid payload). Listing reads them off the queue and puts them back.',
    query: deadLetterQuerySchema,
    replies: { 200: jsonReply('The dead letters.', deadLettersSchema) },
    errors: ['invalid_request'],
  },
  {
    method: 'post',
    path: '/v1/admin/dead-letters/{dead_letter_id}/replay',
    operationId: 'replayDeadLetter',
    tag: 'admin',
    auth: 'admin',
    summary: 'Put a dead letter back on the queue that gave it up (after fixing its cause)',
    description:
      'Its delivery count starts afresh. The consumers are idempotent: an event that was processed after all is not processed twice.',
    params: z.object({ dead_letter_id: pathIdSchema('dead letter') }),
    replies: { 202: jsonReply('Back on its queue.', deadLetterReplayedSchema) },
    errors: ['not_found', 'invalid_request'],
  },
];
