import { SessionRpc, type AuditEventRecord } from '@docsession/contracts';
import { RpcClient } from '@docsession/platform';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC } from '../backends';
import { IdPipe } from '../http/id.pipe';

/** A document's audit trail, oldest first; it outlives the content. */
@Controller('v1/documents')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(@Inject(SESSION_RPC) private readonly sessions: RpcClient) {}

  @Get(':documentId/events')
  async events(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string) {
    const events = await this.sessions.call<AuditEventRecord[]>(SessionRpc.ListDocumentEvents, {
      tenantId,
      documentId,
    });
    return {
      events: events.map((e) => ({ at: e.at, type: e.type, session_id: e.sessionId, details: e.details })),
    };
  }
}
