import type { z } from 'zod';
import {
  closeSessionSchema,
  documentRefSchema,
  externalDocumentRefSchema,
  listPurgeRunsSchema,
  pageSaveSchema,
  quotaRequestSchema,
  sessionRefSchema,
  setPlanSchema,
  startPurgeSchema,
  tenantRefSchema,
  tokenRefSchema,
  updatePlanSchema,
  versionRefSchema,
  type Acknowledged,
  type AuditEventRecord,
  type ContentLocation,
  type DocumentDeleteResult,
  type DocumentRecord,
  type DocumentSessions,
  type LiveDocumentMatch,
  type PageSaveResult,
  type PageView,
  type PlanRecord,
  type PurgeRunRecord,
  type PurgeStarted,
  type QuotaSeed,
  type SessionEndResult,
  type SessionRecord,
  type UsageAlertRecord,
  type UsageReport,
  type VersionContent,
  type VersionRecord,
} from './rpc';
import { wopiAccessSchema, wopiLockSchema, type WopiAccess, type WopiLockResult } from './wopi';

/**
 * Request/reply patterns from the gateway to the services that own the state. Each
 * service listens on its own RPC queue, apart from its event queue, so that a backlog
 * of events never delays a read. A pattern is what goes on the wire: never rename one.
 */
export const SessionRpc = {
  GetSession: 'session.get',
  CloseSession: 'session.close',
  ListDocumentSessions: 'document.sessions',
  GetDocument: 'document.get',
  FindLiveDocument: 'document.find-live',
  DeleteDocument: 'document.delete',
  GetDocumentContent: 'document.content',
  ListDocumentVersions: 'document.versions',
  GetVersionContent: 'document.version-content',
  GetPageContent: 'page.content',
  PageHeartbeat: 'page.heartbeat',
  PageClose: 'page.close',
  SavePageContent: 'page.save',
  ListDocumentEvents: 'document.events',
  StartPurge: 'purge.start',
  ListPurgeRuns: 'purge.runs',
  WopiAccess: 'wopi.access',
  WopiLock: 'wopi.lock',
} as const;

export const MeteringRpc = {
  GetUsage: 'usage.get',
  SetPlan: 'plan.set',
  UpdatePlan: 'plan.update',
  GetQuota: 'quota.get',
  ListAlerts: 'alerts.list',
} as const;

declare const replyType: unique symbol;
/** The type a call answers with. It exists for the compiler only: replies come from our own services. */
export interface RpcReplyType<T> {
  readonly [replyType]?: T;
}
const answers = <T>(): RpcReplyType<T> => ({});

interface RpcEntry {
  request: z.ZodType;
  reply: RpcReplyType<unknown>;
}

/** Each pattern with the schema its request is validated with where it is served, and its reply. */
export const SessionRpcMap = {
  [SessionRpc.GetSession]: { request: sessionRefSchema, reply: answers<SessionRecord>() },
  [SessionRpc.CloseSession]: { request: closeSessionSchema, reply: answers<SessionEndResult>() },
  [SessionRpc.ListDocumentSessions]: { request: documentRefSchema, reply: answers<DocumentSessions>() },
  [SessionRpc.GetDocument]: { request: documentRefSchema, reply: answers<DocumentRecord>() },
  [SessionRpc.FindLiveDocument]: { request: externalDocumentRefSchema, reply: answers<LiveDocumentMatch>() },
  [SessionRpc.DeleteDocument]: { request: documentRefSchema, reply: answers<DocumentDeleteResult>() },
  [SessionRpc.GetDocumentContent]: { request: documentRefSchema, reply: answers<ContentLocation>() },
  [SessionRpc.ListDocumentVersions]: { request: documentRefSchema, reply: answers<VersionRecord[]>() },
  [SessionRpc.GetVersionContent]: { request: versionRefSchema, reply: answers<VersionContent>() },
  [SessionRpc.GetPageContent]: { request: tokenRefSchema, reply: answers<PageView>() },
  [SessionRpc.PageHeartbeat]: { request: tokenRefSchema, reply: answers<Acknowledged>() },
  [SessionRpc.PageClose]: { request: tokenRefSchema, reply: answers<Acknowledged>() },
  [SessionRpc.SavePageContent]: { request: pageSaveSchema, reply: answers<PageSaveResult>() },
  [SessionRpc.ListDocumentEvents]: { request: documentRefSchema, reply: answers<AuditEventRecord[]>() },
  [SessionRpc.StartPurge]: { request: startPurgeSchema, reply: answers<PurgeStarted>() },
  [SessionRpc.ListPurgeRuns]: { request: listPurgeRunsSchema, reply: answers<PurgeRunRecord[]>() },
  [SessionRpc.WopiAccess]: { request: wopiAccessSchema, reply: answers<WopiAccess>() },
  [SessionRpc.WopiLock]: { request: wopiLockSchema, reply: answers<WopiLockResult>() },
} as const satisfies Record<(typeof SessionRpc)[keyof typeof SessionRpc], RpcEntry>;

export const MeteringRpcMap = {
  [MeteringRpc.GetUsage]: { request: tenantRefSchema, reply: answers<UsageReport>() },
  [MeteringRpc.SetPlan]: { request: setPlanSchema, reply: answers<Acknowledged>() },
  [MeteringRpc.UpdatePlan]: { request: updatePlanSchema, reply: answers<PlanRecord>() },
  [MeteringRpc.GetQuota]: { request: quotaRequestSchema, reply: answers<QuotaSeed>() },
  [MeteringRpc.ListAlerts]: { request: tenantRefSchema, reply: answers<UsageAlertRecord[]>() },
} as const satisfies Record<(typeof MeteringRpc)[keyof typeof MeteringRpc], RpcEntry>;

/** Which service answers which patterns: a client to one service can only send its patterns. */
export const rpcMaps = { session: SessionRpcMap, metering: MeteringRpcMap } as const;
export type RpcService = keyof typeof rpcMaps;

type RpcMap = typeof SessionRpcMap & typeof MeteringRpcMap;
export type RpcPattern = keyof RpcMap;
export type RpcPatternOf<S extends RpcService> = keyof (typeof rpcMaps)[S] & RpcPattern;

/** What a caller sends. */
export type RpcRequest<P extends RpcPattern> = z.input<RpcMap[P]['request']>;
/** What a handler receives, once the request was validated. */
export type RpcParsedRequest<P extends RpcPattern> = z.output<RpcMap[P]['request']>;
export type RpcReply<P extends RpcPattern> = RpcMap[P]['reply'] extends RpcReplyType<infer T> ? T : never;

const allPatterns: RpcMap = { ...SessionRpcMap, ...MeteringRpcMap };

export function rpcRequestSchema<P extends RpcPattern>(pattern: P): RpcMap[P]['request'] {
  return allPatterns[pattern].request;
}
