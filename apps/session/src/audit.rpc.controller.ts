import { SessionRpc, type DocumentRef } from '@docsession/contracts';
import { DomainRpcExceptionFilter, RpcHandler } from '@docsession/platform';
import { AuditTrail } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';

/** The gateway's reads of a document's audit trail. */
@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class AuditRpcController {
  constructor(private readonly trail: AuditTrail) {}

  @RpcHandler(SessionRpc.ListDocumentEvents)
  listDocumentEvents({ tenantId, documentId }: DocumentRef) {
    return this.trail.list(tenantId, documentId);
  }
}
