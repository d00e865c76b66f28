import { DomainError, ErrorCode } from '@docsession/contracts';
import { TenancyService } from '@docsession/tenancy';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { presentedCredential } from './tenant';

/**
 * Tenant auth on `/v1/*`: the key is looked up by its hash on every request, so a
 * revoked key is refused at once on every gateway.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly tenancy: TenancyService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const key = presentedCredential(req);
    if (!key) throw new DomainError(ErrorCode.Unauthorized, 'Missing API key: send Authorization: Bearer <api_key>.');
    let tenantId: string | null;
    try {
      tenantId = await this.tenancy.authenticate(key);
    } catch {
      throw new DomainError(ErrorCode.Unavailable, 'Cannot check the API key right now.');
    }
    if (!tenantId) throw new DomainError(ErrorCode.Unauthorized, 'Unknown or revoked API key.');
    req.tenantId = tenantId;
    return true;
  }
}
