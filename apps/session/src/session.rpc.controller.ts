import {
  closeSessionSchema,
  documentRefSchema,
  pageSaveSchema,
  SessionRpc,
  sessionRefSchema,
  tokenRefSchema,
} from '@docsession/contracts';
import { DomainRpcExceptionFilter } from '@docsession/platform';
import { DocumentSaves, SessionPresence, SessionService } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

/** The gateway's questions and commands about sessions and documents. */
@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class SessionRpcController {
  constructor(
    private readonly sessions: SessionService,
    private readonly presence: SessionPresence,
    private readonly saves: DocumentSaves,
  ) {}

  @MessagePattern(SessionRpc.GetSession)
  getSession(@Payload() data: unknown) {
    const { tenantId, sessionId } = sessionRefSchema.parse(data);
    return this.sessions.getSession(tenantId, sessionId);
  }

  @MessagePattern(SessionRpc.CloseSession)
  closeSession(@Payload() data: unknown) {
    const { tenantId, sessionId, reason } = closeSessionSchema.parse(data);
    return this.sessions.closeSession(tenantId, sessionId, reason);
  }

  @MessagePattern(SessionRpc.GetDocument)
  getDocument(@Payload() data: unknown) {
    const { tenantId, documentId } = documentRefSchema.parse(data);
    return this.sessions.getDocument(tenantId, documentId);
  }

  @MessagePattern(SessionRpc.ListDocumentSessions)
  listDocumentSessions(@Payload() data: unknown) {
    const { tenantId, documentId } = documentRefSchema.parse(data);
    return this.sessions.listDocumentSessions(tenantId, documentId);
  }

  @MessagePattern(SessionRpc.DeleteDocument)
  deleteDocument(@Payload() data: unknown) {
    const { tenantId, documentId } = documentRefSchema.parse(data);
    return this.sessions.deleteDocument(tenantId, documentId);
  }

  @MessagePattern(SessionRpc.GetDocumentContent)
  documentContent(@Payload() data: unknown) {
    const { tenantId, documentId } = documentRefSchema.parse(data);
    return this.sessions.contentLocation(tenantId, documentId);
  }

  @MessagePattern(SessionRpc.OpenPage)
  openPage(@Payload() data: unknown) {
    return this.presence.pageLoaded(tokenRefSchema.parse(data).tokenHash);
  }

  @MessagePattern(SessionRpc.PageHeartbeat)
  async pageHeartbeat(@Payload() data: unknown) {
    await this.presence.heartbeat(tokenRefSchema.parse(data).tokenHash);
    return { ok: true };
  }

  @MessagePattern(SessionRpc.PageClose)
  async pageClose(@Payload() data: unknown) {
    await this.presence.requestClose(tokenRefSchema.parse(data).tokenHash);
    return { ok: true };
  }

  @MessagePattern(SessionRpc.SavePageContent)
  savePageContent(@Payload() data: unknown) {
    return this.saves.save(pageSaveSchema.parse(data));
  }

  @MessagePattern(SessionRpc.GetPageContent)
  pageContent(@Payload() data: unknown) {
    return this.sessions.pageContent(tokenRefSchema.parse(data).tokenHash);
  }
}
