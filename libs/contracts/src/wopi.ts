import { z } from 'zod';
import { tokenRefSchema, wopiLockIdSchema as lockId, type SessionRecord } from './rpc';

/*
 * What the gateway (the WOPI host's HTTP edge) asks the session service about a WOPI request.
 * The access token is the session's bearer token, sent as its hash like the page's.
 */

/** `wopi.access`: the token must belong to an open session of this document (WOPISrc names it). */
export const wopiAccessSchema = tokenRefSchema.extend({ documentId: z.uuid() });
export type WopiAccessRequest = z.infer<typeof wopiAccessSchema>;

/** The file as CheckFileInfo describes it; `modifiedAt` is LastModifiedTime (ms precision). */
export interface WopiFile {
  documentId: string;
  ownerId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  version: number;
  modifiedAt: string;
}

export interface WopiAccess {
  session: SessionRecord;
  file: WopiFile;
}

export const wopiLockOperationSchema = z.enum(['lock', 'relock', 'unlock', 'refresh', 'get']);
export type WopiLockOperation = z.infer<typeof wopiLockOperationSchema>;

/** `wopi.lock`: LOCK (with `oldLock`: UnlockAndRelock), UNLOCK, REFRESH_LOCK, GET_LOCK. */
export const wopiLockSchema = wopiAccessSchema.extend({
  operation: wopiLockOperationSchema,
  lock: lockId.optional(),
  oldLock: lockId.optional(),
});
export type WopiLockRequest = z.infer<typeof wopiLockSchema>;

/** `lock` is the lock held after the call ('' when unlocked); on a mismatch, the one that made it fail. */
export interface WopiLockResult {
  ok: boolean;
  lock: string;
  version: number;
}

/** Collabora's answer body for "the document changed since you loaded it" (409). */
export const COOL_DOCUMENT_CHANGED = 1010;
