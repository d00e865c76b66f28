import { SessionRpc } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { IdPipe } from '../http/id.pipe';
import { SessionPresenter } from '../opens/session-presenter';
import { ZohoApiKeyGuard } from './zoho-api-key.guard';
import { ZohoErrorFilter } from './zoho-errors';
import { WRITER } from './zoho-products';
import { ZohoPresenter, type ZohoDocument, type ZohoDocumentSessions } from './zoho-views';

/** Writer's document details and document sessions: the same RPCs as `GET /v1/documents/{id}[/sessions]`. */
@Controller('writer/officeapi/v1/documents')
@UseGuards(ZohoApiKeyGuard)
@UseFilters(new ZohoErrorFilter(WRITER))
export class WriterDocumentsController {
  private readonly zoho: ZohoPresenter;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    presenter: SessionPresenter,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
  ) {
    this.zoho = new ZohoPresenter(WRITER, config.PUBLIC_URL, presenter);
  }

  @Get(':documentId')
  async document(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string): Promise<ZohoDocument> {
    return this.zoho.document(await this.sessions.call(SessionRpc.GetDocument, { tenantId, documentId }));
  }

  @Get(':documentId/sessions')
  async documentSessions(
    @TenantId() tenantId: string,
    @Param('documentId', IdPipe) documentId: string,
  ): Promise<ZohoDocumentSessions> {
    const [document, sessions] = await Promise.all([
      this.sessions.call(SessionRpc.GetDocument, { tenantId, documentId }),
      this.sessions.call(SessionRpc.ListDocumentSessions, { tenantId, documentId }),
    ]);
    return this.zoho.documentSessions(document, sessions);
  }
}
