import {
  SessionRpc,
  type CloseSessionRequest,
  type DocumentRef,
  type ExternalDocumentRef,
  type PageSaveRequest,
  type SessionRef,
  type TokenRef,
  type VersionRef,
  type WopiAccessRequest,
  type WopiLockRequest,
} from '@docsession/contracts';
import { DomainRpcExceptionFilter, RpcHandler } from '@docsession/platform';
import { DocumentSaves, SessionPresence, SessionService, WopiStore } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';

/** The gateway's questions and commands about sessions and documents. */
@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class SessionRpcController {
  constructor(
    private readonly sessions: SessionService,
    private readonly presence: SessionPresence,
    private readonly saves: DocumentSaves,
    private readonly wopi: WopiStore,
  ) {}

  @RpcHandler(SessionRpc.GetSession)
  getSession({ tenantId, sessionId }: SessionRef) {
    return this.sessions.getSession(tenantId, sessionId);
  }

  @RpcHandler(SessionRpc.CloseSession)
  closeSession({ tenantId, sessionId, reason }: CloseSessionRequest) {
    return this.sessions.closeSession(tenantId, sessionId, reason);
  }

  @RpcHandler(SessionRpc.GetDocument)
  getDocument({ tenantId, documentId }: DocumentRef) {
    return this.sessions.getDocument(tenantId, documentId);
  }

  @RpcHandler(SessionRpc.FindLiveDocument)
  findLiveDocument({ tenantId, externalId }: ExternalDocumentRef) {
    return this.sessions.findLiveDocument(tenantId, externalId);
  }

  @RpcHandler(SessionRpc.ListDocumentSessions)
  listDocumentSessions({ tenantId, documentId }: DocumentRef) {
    return this.sessions.listDocumentSessions(tenantId, documentId);
  }

  @RpcHandler(SessionRpc.DeleteDocument)
  deleteDocument({ tenantId, documentId }: DocumentRef) {
    return this.sessions.deleteDocument(tenantId, documentId);
  }

  @RpcHandler(SessionRpc.GetDocumentContent)
  documentContent({ tenantId, documentId }: DocumentRef) {
    return this.sessions.contentLocation(tenantId, documentId);
  }

  @RpcHandler(SessionRpc.ListDocumentVersions)
  listVersions({ tenantId, documentId }: DocumentRef) {
    return this.sessions.listVersions(tenantId, documentId);
  }

  @RpcHandler(SessionRpc.GetVersionContent)
  versionContent({ tenantId, documentId, number }: VersionRef) {
    return this.sessions.versionContent(tenantId, documentId, number);
  }

  @RpcHandler(SessionRpc.PageHeartbeat)
  async pageHeartbeat({ tokenHash }: TokenRef) {
    await this.presence.heartbeat(tokenHash);
    return { ok: true } as const;
  }

  @RpcHandler(SessionRpc.PageClose)
  async pageClose({ tokenHash }: TokenRef) {
    await this.presence.requestClose(tokenHash);
    return { ok: true } as const;
  }

  @RpcHandler(SessionRpc.SavePageContent)
  savePageContent(request: PageSaveRequest) {
    return this.saves.save(request);
  }

  @RpcHandler(SessionRpc.GetPageContent)
  pageContent({ tokenHash }: TokenRef) {
    return this.sessions.pageContent(tokenHash);
  }

  @RpcHandler(SessionRpc.WopiAccess)
  wopiAccess({ tokenHash, documentId }: WopiAccessRequest) {
    return this.readingYourWrites(tokenHash, () => this.wopi.access(tokenHash, documentId));
  }

  @RpcHandler(SessionRpc.WopiLock)
  wopiLock(request: WopiLockRequest) {
    return this.readingYourWrites(request.tokenHash, () => this.wopi.applyLock(request));
  }

  /**
   * Read-your-writes as for the page: an editor may call (CheckFileInfo, LOCK…) right after
   * the open answered, before the consumer stored it. If `run` fails and the token's open is
   * still pending, it is stored first and `run` goes again.
   */
  private async readingYourWrites<T>(tokenHash: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(await this.sessions.storePendingOpen(tokenHash))) throw err;
      return run();
    }
  }
}
