import { z } from 'zod';

/**
 * BullMQ queue names. Jobs wait in Redis under these names across deploys: never
 * rename one, add a new one instead.
 */
export const JobQueue = {
  SessionExpiry: 'session-expiry',
} as const;
export type JobQueue = (typeof JobQueue)[keyof typeof JobQueue];

/** One delayed job per session, with the session id as job id, due at `expires_at`. */
export const sessionExpiryJobSchema = z.object({ sessionId: z.uuid() });
export type SessionExpiryJob = z.infer<typeof sessionExpiryJobSchema>;
