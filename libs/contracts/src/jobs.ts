import { z } from 'zod';
import { requestIdSchema } from './events';
import { alertThresholdSchema, purgeTriggerSchema } from './statuses';

/**
 * BullMQ queue names. Jobs wait in Redis under these names across deploys: never
 * rename one, add a new one instead.
 */
export const JobQueue = {
  SessionExpiry: 'session-expiry',
  /** One job per usage alert (job id = alert id): its signed POST to the tenant's webhook_url. */
  UsageAlertWebhook: 'usage-alert-webhook',
  Purge: 'purge',
  SessionIdle: 'session-idle',
  SessionCloseGrace: 'session-close-grace',
  /** One job per save to deliver to the session's callback save_url (job id = delivery id). */
  SaveCallback: 'save-callback',
} as const;
export type JobQueue = (typeof JobQueue)[keyof typeof JobQueue];

/** One delayed job per session, with the session id as job id, due at `expires_at`. */
/** `requestId`: the open's, for its log lines. */
export const sessionExpiryJobSchema = z.object({ sessionId: z.uuid(), requestId: requestIdSchema.optional() });
export type SessionExpiryJob = z.infer<typeof sessionExpiryJobSchema>;

/**
 * A presence check of one session: the idle check (job id `idle-<sessionId>`, one per
 * opened session, re-delaying itself while heartbeats come) and the close-grace check
 * after a close beacon (job id `close-<sessionId>-<request time in ms>`).
 */
export const sessionPresenceJobSchema = z.object({ sessionId: z.uuid(), requestId: requestIdSchema.optional() });
export type SessionPresenceJob = z.infer<typeof sessionPresenceJobSchema>;

/** Job scheduler ids, stored in Redis like queue names: never rename one. */
export const JobSchedulerId = {
  Purge: 'purge',
} as const;

/**
 * A purge run. Scheduled runs all share the scheduler's template (no run id: the worker
 * makes one); a manual run carries the id the operator was given, which is also its job id.
 */
export const purgeJobSchema = z.discriminatedUnion('trigger', [
  z.object({ trigger: z.literal(purgeTriggerSchema.enum.schedule) }),
  z.object({ trigger: z.literal(purgeTriggerSchema.enum.manual), runId: z.uuid() }),
]);
export type PurgeJob = z.infer<typeof purgeJobSchema>;
export type PurgeTrigger = PurgeJob['trigger'];

/** A usage alert that fired, as its webhook job carries it (the URL is looked up at delivery). */
export const usageAlertJobSchema = z.object({
  alertId: z.uuid(),
  tenantId: z.uuid(),
  thresholdPercent: alertThresholdSchema,
  periodStart: z.iso.datetime(),
  firedAt: z.iso.datetime(),
  usageAtFire: z.number().int().min(0),
});
export type UsageAlertJob = z.infer<typeof usageAlertJobSchema>;

/**
 * A save to deliver to its session's `callback.save_url`. Only the id travels: the worker
 * reads the delivery (and the copy of the saved bytes) from the session context, so a job
 * re-added after Redis lost it is the same job.
 */
/** `requestId`: the save's, for its log lines (a rescheduled delivery has none). */
export const saveCallbackJobSchema = z.object({ deliveryId: z.uuid(), requestId: requestIdSchema.optional() });
export type SaveCallbackJob = z.infer<typeof saveCallbackJobSchema>;

/** The payload of each queue's jobs: what its worker parses before it runs one. */
export const jobPayloadSchemas = {
  [JobQueue.SessionExpiry]: sessionExpiryJobSchema,
  [JobQueue.UsageAlertWebhook]: usageAlertJobSchema,
  [JobQueue.Purge]: purgeJobSchema,
  [JobQueue.SessionIdle]: sessionPresenceJobSchema,
  [JobQueue.SessionCloseGrace]: sessionPresenceJobSchema,
  [JobQueue.SaveCallback]: saveCallbackJobSchema,
} as const satisfies Record<JobQueue, z.ZodType>;
export type JobPayload<Q extends JobQueue> = z.infer<(typeof jobPayloadSchemas)[Q]>;
