import { z } from 'zod';
import { closeReasonSchema, type CloseReason, type SessionMode, type SessionUser } from './events';
import type {
  AlertThreshold,
  AuditEventType,
  DocumentStatus,
  FinalSessionStatus,
  SessionStatus,
  UsageStatus,
} from './statuses';
import type { PurgeTrigger } from './jobs';

/**
 * The messages of the request/reply calls from the gateway to the services that own the
 * state; rpc-map.ts says which pattern takes which request and answers with which reply.
 */

const uuid = z.uuid();

export const sessionRefSchema = z.object({ tenantId: uuid, sessionId: uuid });
export type SessionRef = z.infer<typeof sessionRefSchema>;

export const closeSessionSchema = sessionRefSchema.extend({ reason: closeReasonSchema });
export type CloseSessionRequest = z.infer<typeof closeSessionSchema>;

export const documentRefSchema = z.object({ tenantId: uuid, documentId: uuid });
export type DocumentRef = z.infer<typeof documentRefSchema>;

/** A document by the tenant's own id of it (`external_id`). */
export const externalDocumentRefSchema = z.object({ tenantId: uuid, externalId: z.string().min(1).max(255) });
export type ExternalDocumentRef = z.infer<typeof externalDocumentRefSchema>;

/** The live document a tenant keeps under an external id, if any. */
export interface LiveDocumentMatch {
  documentId: string | null;
}

export const tokenRefSchema = z.object({ tokenHash: z.string().regex(/^[0-9a-f]{64}$/) });
export type TokenRef = z.infer<typeof tokenRefSchema>;

/** WOPI lock ids are opaque strings from the editor; the protocol allows up to 1024 characters. */
export const WOPI_LOCK_MAX_LENGTH = 1024;
export const wopiLockIdSchema = z.string().min(1).max(WOPI_LOCK_MAX_LENGTH);

/**
 * The preconditions a PutFile adds to a save, checked under the document's lock: the lock the
 * client holds, and Collabora's timestamp of the version it edited (`X-COOL-WOPI-Timestamp`).
 */
export const wopiSaveSchema = z.object({
  documentId: z.uuid(),
  lock: wopiLockIdSchema.nullable(),
  timestamp: z.iso.datetime().nullable(),
  exitSave: z.boolean(),
  /** ONLYOFFICE's `X-WOPI-Editors`: the UserIds whose changes this save holds. */
  editors: z.array(z.string().min(1).max(256)).max(100),
});
export type WopiSaveConditions = z.infer<typeof wopiSaveSchema>;

/**
 * `page.save`: the gateway has staged the new bytes as blob `stagedKey`; the session
 * service moves them onto the document under its lock, or the save does not happen.
 * `via` says which door the save came through (the page, or an editor's PutFile with its
 * preconditions in `wopi`); it is one save either way.
 */
export const pageSaveSchema = tokenRefSchema.extend({
  stagedKey: z.string().regex(/^save-[0-9a-f-]{36}$/),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  via: z.enum(['page', 'wopi']).default('page'),
  wopi: wopiSaveSchema.optional(),
});
export type PageSaveRequest = z.infer<typeof pageSaveSchema>;

/** The answer of commands that have nothing to report but that they were done. */
export interface Acknowledged {
  ok: true;
}

export interface PageSaveResult {
  version: number;
  savedAt: string;
}

export const tenantRefSchema = z.object({ tenantId: uuid });
export type TenantRef = z.infer<typeof tenantRefSchema>;

export const setPlanSchema = z.object({
  tenantId: uuid,
  name: z.string().min(1).max(100),
  usageLimit: z.number().int().min(0),
  gracePercent: z.number().int().min(0).max(1000),
});
export type SetPlanRequest = z.infer<typeof setPlanSchema>;

/** A session as the session service reports it; times are ISO strings. */
export interface SessionRecord {
  sessionId: string;
  documentId: string;
  status: SessionStatus;
  mode: SessionMode;
  user: SessionUser | null;
  /** It opened the document, or its user (by id) is the user who did. */
  isHost: boolean;
  createdAt: string;
  openedAt: string | null;
  /** The last sign of life (page load, heartbeat, save, editor request) PostgreSQL recorded. */
  lastSeenAt: string | null;
  closedAt: string | null;
  expiresAt: string;
  closeReason: CloseReason | null;
}

/** Who took part in a document: the same figures wherever a document's sessions are reported. */
export interface Participation {
  /** The user of the session that opened the document (null when it named none). */
  host: SessionUser | null;
  /** Distinct users among all its sessions; a session naming no user id counts as one of its own. */
  collaboratorsCount: number;
  /** Its sessions that have not ended (inactive or active). */
  activeSessionsCount: number;
  sessionsCount: number;
}

export interface DocumentRecord extends Participation {
  documentId: string;
  externalId: string | null;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  version: number;
  status: DocumentStatus;
  createdAt: string;
  expiresAt: string;
  purgedAt: string | null;
  /** Its sessions that have not ended, newest first. */
  collaborators: SessionRecord[];
}

/** A document's sessions, newest first, with who took part. */
export interface DocumentSessions extends Participation {
  sessions: SessionRecord[];
}

/** The largest version number (PostgreSQL's int, as the document's `version`). */
export const MAX_VERSION_NUMBER = 2_147_483_647;

export const versionRefSchema = documentRefSchema.extend({
  number: z.number().int().min(1).max(MAX_VERSION_NUMBER),
});
export type VersionRef = z.infer<typeof versionRefSchema>;

/** An earlier content of a live document, kept when a save replaced it. */
export interface VersionRecord {
  number: number;
  sizeBytes: number;
  sha256: string;
  /** When this content was saved (the upload, for version 1). */
  savedAt: string;
  /** The session that saved it (the host's, for version 1), and its user. */
  sessionId: string;
  user: SessionUser | null;
}

/** What the gateway needs to stream a version's bytes from the blob store. */
export interface VersionContent {
  blobKey: string;
  number: number;
  name: string;
  contentType: string;
  sizeBytes: number;
}

/** What the gateway needs to stream a live document's bytes from the blob store. */
export interface ContentLocation {
  documentId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  version: number;
}

export interface SessionEndResult {
  sessionId: string;
  status: FinalSessionStatus;
}

export interface DocumentDeleteResult {
  documentId: string;
  status: Extract<DocumentStatus, 'purged'>;
}

export interface PageView {
  session: SessionRecord;
  document: ContentLocation;
}

export interface UsageReport {
  tenantId: string;
  plan: { name: string; usageLimit: number; gracePercent: number };
  period: { start: string; endExclusive: string };
  totalUsage: number;
  remainingUsageLimit: number;
  status: UsageStatus;
}

/** One entry of a document's audit trail. */
export interface AuditEventRecord {
  at: string;
  type: AuditEventType;
  sessionId: string | null;
  details: Record<string, unknown>;
}

/** `purge.start` takes no arguments; `purge.runs` how many of the newest runs to list. */
export const startPurgeSchema = z.object({}).strict().optional();

/** What `purge.start` answers: the run's id, to find it among `purge.runs`. */
export interface PurgeStarted {
  runId: string;
}
export const listPurgeRunsSchema = z.object({ limit: z.number().int().min(1).max(500) }).strict();
export type ListPurgeRunsRequest = z.infer<typeof listPurgeRunsSchema>;

/** One purge run as recorded; `startedAt` is null while a manual run waits its turn. */
export interface PurgeRunRecord {
  runId: string;
  trigger: PurgeTrigger;
  startedAt: string | null;
  finishedAt: string | null;
  removed: { expiredSessions: number; purgedDocuments: number; orphanBlobs: number; auditEvents: number };
  error: string | null;
}

/** A partial plan change; fields left out keep their value. */
export const updatePlanSchema = z.object({
  tenantId: uuid,
  name: z.string().min(1).max(100).optional(),
  usageLimit: z.number().int().min(0).optional(),
  gracePercent: z.number().int().min(0).max(1000).optional(),
});
export type UpdatePlanRequest = z.infer<typeof updatePlanSchema>;

/** A tenant's plan; `version` grows with every change, so caches can tell old from new. */
export interface PlanRecord {
  tenantId: string;
  name: string;
  usageLimit: number;
  gracePercent: number;
  version: number;
}

/** `YYYY-MM`: a billing period (a calendar month in UTC). */
export const periodLabelSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export const quotaRequestSchema = z.object({ tenantId: uuid, period: periodLabelSchema });
export type QuotaRequest = z.infer<typeof quotaRequestSchema>;

/** What the gateway seeds its reservation counter and plan cache with. */
export interface QuotaSeed {
  period: string;
  totalUsage: number;
  plan: PlanRecord;
  hardLimit: number;
}

export interface UsageAlertRecord {
  alertId: string;
  thresholdPercent: AlertThreshold;
  periodStart: string;
  firedAt: string;
  usageAtFire: number;
}
