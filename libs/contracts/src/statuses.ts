import { z } from 'zod';

/**
 * The states and kinds the HTTP contract names, each defined once: the types of the
 * records, and the enums of the OpenAPI document, are derived from these.
 */

/** `inactive` → `active` (opened in a browser) → `closed` or `expired` (both final). */
export const sessionStatusSchema = z.enum(['inactive', 'active', 'closed', 'expired']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** A session's final statuses. */
export const finalSessionStatusSchema = sessionStatusSchema.extract(['closed', 'expired']);
export type FinalSessionStatus = z.infer<typeof finalSessionStatusSchema>;

/** `purged` once the content is removed (its metadata and audit trail stay). */
export const documentStatusSchema = z.enum(['live', 'purged']);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;

export const usageStatusSchema = z.enum(['ok', 'warning', 'over_limit', 'blocked']);
export type UsageStatus = z.infer<typeof usageStatusSchema>;

/** The share of the plan's limit at which a usage alert fires, once per period. */
export const alertThresholdSchema = z.literal([75, 90, 100]);
export type AlertThreshold = z.infer<typeof alertThresholdSchema>;

/** What started a purge run: its schedule, or the operator. */
export const purgeTriggerSchema = z.enum(['schedule', 'manual']);

/** The entries of a document's audit trail. */
export const auditEventTypeSchema = z.enum([
  'session.created',
  'session.opened',
  'document.saved',
  'session.closed',
  'session.expired',
  'document.purged',
  'callback.delivered',
  'callback.failed',
]);
export type AuditEventType = z.infer<typeof auditEventTypeSchema>;
