import { SessionRpc } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
  type Type,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { IdPipe } from '../http/id.pipe';
import { RequestFingerprint } from '../idempotency/request-fingerprint';
import { DocumentIntake } from '../opens/document-intake';
import { OpenAdmission } from '../opens/open-admission';
import { SessionOpener } from '../opens/session-opener';
import { SessionPresenter, type SessionView } from '../opens/session-presenter';
import { API_KEY_FIELD, ZohoApiKeyGuard } from './zoho-api-key.guard';
import { ZohoErrorFilter } from './zoho-errors';
import { ZohoIntake, type ZohoOpenKind } from './zoho-intake';
import type { ZohoProduct } from './zoho-products';
import { ZohoPresenter, type ZohoCreated, type ZohoPreview, type ZohoSession } from './zoho-views';

const CREDENTIAL_PARTS: ReadonlySet<string> = new Set([API_KEY_FIELD]);

/**
 * The routes every Zoho editor (Writer, Sheet, Show) has: create, preview, a session's
 * details and its deletion, and the document's deletion. Each is a thin adapter over
 * the native API's use cases: an open goes through the same admission (Idempotency-Key,
 * quota) and opener (blob store, `session.created`, so the same ledger and alerts) as
 * `POST /v1/documents`; reads and deletes are the same RPCs as `/v1`.
 */
export function zohoEditorController(product: ZohoProduct): Type<unknown> {
  const create: ZohoOpenKind = { scope: `zoho:${product.name}:create`, preview: false };
  const preview: ZohoOpenKind = { scope: `zoho:${product.name}:preview`, preview: true };

  @Controller(product.base.slice(1))
  @UseGuards(ZohoApiKeyGuard)
  @UseFilters(new ZohoErrorFilter(product))
  class ZohoEditorController {
    private readonly zoho: ZohoPresenter;
    private readonly intakes: Record<'create' | 'preview', ZohoIntake>;

    constructor(
      @Inject(APP_CONFIG) config: AppConfig,
      private readonly opener: SessionOpener,
      private readonly admission: OpenAdmission,
      presenter: SessionPresenter,
      intake: DocumentIntake,
      @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    ) {
      this.zoho = new ZohoPresenter(product, config.PUBLIC_URL, presenter);
      const liveDocument = async (tenantId: string, externalId: string) =>
        (await sessions.call(SessionRpc.FindLiveDocument, { tenantId, externalId })).documentId;
      this.intakes = {
        create: new ZohoIntake(intake, product, create, liveDocument),
        preview: new ZohoIntake(intake, product, preview, liveDocument),
      };
    }

    /** Create, edit or co-edit: one billable call. */
    @Post(product.documents)
    @HttpCode(200)
    async create(
      @TenantId() tenantId: string,
      @Req() req: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<ZohoCreated> {
      return this.zoho.created(await this.open(tenantId, req, reply, 'create'));
    }

    /** A view-mode session: one billable call. */
    @Post(product.preview)
    @HttpCode(200)
    async preview(
      @TenantId() tenantId: string,
      @Req() req: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<ZohoPreview> {
      return this.zoho.preview(await this.open(tenantId, req, reply, 'preview'));
    }

    @Get('sessions/:sessionId')
    async session(@TenantId() tenantId: string, @Param('sessionId', IdPipe) sessionId: string): Promise<ZohoSession> {
      const session = await this.sessions.call(SessionRpc.GetSession, { tenantId, sessionId });
      return this.zoho.session(session);
    }

    /** Idempotent, as `DELETE /v1/sessions/{id}`. */
    @Delete(`${product.sessionDelete}/:sessionId`)
    async deleteSession(@TenantId() tenantId: string, @Param('sessionId', IdPipe) sessionId: string) {
      await this.sessions.call(SessionRpc.CloseSession, { tenantId, sessionId, reason: 'deleted_by_api' });
      return product.name === 'writer' ? { session_deleted: true as const } : { session_delete: 'true' as const };
    }

    /** Ends every open session and removes the content, as `DELETE /v1/documents/{id}`. */
    @Delete(`${product.documents}/:documentId`)
    async deleteDocument(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string) {
      await this.sessions.call(SessionRpc.DeleteDocument, { tenantId, documentId });
      return product.name === 'writer' ? { document_deleted: true as const } : { doc_delete: 'true' as const };
    }

    private async open(
      tenantId: string,
      req: FastifyRequest,
      reply: FastifyReply,
      kind: 'create' | 'preview',
    ): Promise<SessionView> {
      const intake = this.intakes[kind];
      // A multipart body's fingerprint is known once read; an empty body's at once.
      const fingerprint = req.isMultipart() ? null : new RequestFingerprint(intake.scope).digest();
      const view = await this.admission.admit(
        req,
        reply,
        { tenantId, scope: intake.scope, fingerprint, credentialParts: CREDENTIAL_PARTS },
        () => this.opener.openWith(tenantId, (documentId) => intake.take(req, documentId), req.id),
      );
      // Zoho answers 200, also to a replay of an Idempotency-Key (whose stored answer is the 201's).
      reply.status(200);
      return view;
    }
  }
  Object.defineProperty(ZohoEditorController, 'name', { value: `Zoho${product.name}Controller` });
  return ZohoEditorController;
}
