import { z } from 'zod';
import { closeReasonSchema, type CloseReason, type SessionMode, type SessionUser } from './events';

/**
 * Request/reply messages from the gateway to the services that own the state. Each
 * service listens on its own RPC queue, apart from its event queue, so that a backlog
 * of events never delays a read.
 */
export const SessionRpc = {
  GetSession: 'session.get',
  CloseSession: 'session.close',
  ListDocumentSessions: 'document.sessions',
  GetDocument: 'document.get',
  DeleteDocument: 'document.delete',
  GetDocumentContent: 'document.content',
  OpenPage: 'page.open',
  GetPageContent: 'page.content',
} as const;

export const MeteringRpc = {
  GetUsage: 'usage.get',
  SetPlan: 'plan.set',
} as const;

const uuid = z.uuid();

export const sessionRefSchema = z.object({ tenantId: uuid, sessionId: uuid });
export type SessionRef = z.infer<typeof sessionRefSchema>;

export const closeSessionSchema = sessionRefSchema.extend({ reason: closeReasonSchema });
export type CloseSessionRequest = z.infer<typeof closeSessionSchema>;

export const documentRefSchema = z.object({ tenantId: uuid, documentId: uuid });
export type DocumentRef = z.infer<typeof documentRefSchema>;

export const tokenRefSchema = z.object({ tokenHash: z.string().regex(/^[0-9a-f]{64}$/) });
export type TokenRef = z.infer<typeof tokenRefSchema>;

export const tenantRefSchema = z.object({ tenantId: uuid });
export type TenantRef = z.infer<typeof tenantRefSchema>;

export const setPlanSchema = z.object({
  tenantId: uuid,
  name: z.string().min(1).max(100),
  usageLimit: z.number().int().min(0),
  gracePercent: z.number().int().min(0).max(1000),
});
export type SetPlanRequest = z.infer<typeof setPlanSchema>;

export type SessionStatus = 'inactive' | 'active' | 'closed' | 'expired';
export type DocumentStatus = 'live' | 'purged';

/** A session as the session service reports it; times are ISO strings. */
export interface SessionRecord {
  sessionId: string;
  documentId: string;
  status: SessionStatus;
  mode: SessionMode;
  user: SessionUser | null;
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
  expiresAt: string;
  closeReason: CloseReason | null;
}

export interface Collaborator {
  sessionId: string;
  user: SessionUser | null;
  status: SessionStatus;
  host: boolean;
}

export interface DocumentRecord {
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
  activeSessionsCount: number;
  sessionsCount: number;
  collaborators: Collaborator[];
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
  status: 'closed' | 'expired';
}

export interface DocumentDeleteResult {
  documentId: string;
  status: 'purged';
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
  status: 'ok' | 'warning' | 'over_limit' | 'blocked';
}
