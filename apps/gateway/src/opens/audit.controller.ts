import { SessionRpc } from '@docsession/contracts';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { IdPipe } from '../http/id.pipe';
import { presentAuditTrail, type AuditTrail } from './document-views';

/** A document's audit trail, oldest first; it outlives the content. */
@Controller('v1/documents')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(@Inject(SESSION_RPC) private readonly sessions: SessionRpcClient) {}

  @Get(':documentId/events')
  async events(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string): Promise<AuditTrail> {
    const events = await this.sessions.call(SessionRpc.ListDocumentEvents, {
      tenantId,
      documentId,
    });
    return presentAuditTrail(events);
  }
}
