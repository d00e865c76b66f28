import { SessionRpc } from '@docsession/contracts';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { contentReply } from '../http/content-reply';
import { IdPipe } from '../http/id.pipe';
import { jsonFingerprint } from '../idempotency/request-fingerprint';
import {
  presentDeletedDocument,
  presentDocument,
  presentSessionList,
  type DocumentDeletedView,
  type DocumentView,
  type SessionList,
} from './document-views';
import { OpenAdmission } from './open-admission';
import { SessionOpener } from './session-opener';
import { SessionPresenter, type SessionView } from './session-presenter';

@Controller('v1/documents')
@UseGuards(ApiKeyGuard)
export class DocumentsController {
  constructor(
    private readonly opener: SessionOpener,
    private readonly admission: OpenAdmission,
    private readonly presenter: SessionPresenter,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Post()
  @HttpCode(201)
  async open(
    @TenantId() tenantId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    // Both kinds of body are read as they stream: the intake fingerprints them as it reads.
    const view = await this.admission.admit(req, reply, { tenantId, scope: 'open', fingerprint: null }, () =>
      this.opener.openDocument(tenantId, req),
    );
    reply.header('location', view.session_url);
    return view;
  }

  @Post(':documentId/sessions')
  @HttpCode(201)
  async join(
    @TenantId() tenantId: string,
    @Param('documentId', IdPipe) documentId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    const scope = `join:${documentId}`;
    const fingerprint = jsonFingerprint(scope, body);
    const view = await this.admission.admit(req, reply, { tenantId, scope, fingerprint }, () =>
      this.opener.joinDocument(tenantId, documentId, body, req.id),
    );
    reply.header('location', view.session_url);
    return view;
  }

  @Get(':documentId')
  async get(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string): Promise<DocumentView> {
    const d = await this.sessions.call(SessionRpc.GetDocument, { tenantId, documentId });
    return presentDocument(d);
  }

  @Get(':documentId/sessions')
  async sessionsOf(
    @TenantId() tenantId: string,
    @Param('documentId', IdPipe) documentId: string,
  ): Promise<SessionList> {
    const list = await this.sessions.call(SessionRpc.ListDocumentSessions, { tenantId, documentId });
    return presentSessionList(list, this.presenter);
  }

  @Delete(':documentId')
  async remove(
    @TenantId() tenantId: string,
    @Param('documentId', IdPipe) documentId: string,
  ): Promise<DocumentDeletedView> {
    const result = await this.sessions.call(SessionRpc.DeleteDocument, { tenantId, documentId });
    return presentDeletedDocument(result);
  }

  @Get(':documentId/content')
  async content(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string) {
    const location = await this.sessions.call(SessionRpc.GetDocumentContent, {
      tenantId,
      documentId,
    });
    return contentReply(this.blobs, location);
  }
}
