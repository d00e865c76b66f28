import { documentRefSchema, SessionRpc } from '@docsession/contracts';
import { DomainRpcExceptionFilter } from '@docsession/platform';
import { AuditTrail } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

/** The gateway's reads of a document's audit trail. */
@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class AuditRpcController {
  constructor(private readonly trail: AuditTrail) {}

  @MessagePattern(SessionRpc.ListDocumentEvents)
  listDocumentEvents(@Payload() data: unknown) {
    const { tenantId, documentId } = documentRefSchema.parse(data);
    return this.trail.list(tenantId, documentId);
  }
}
