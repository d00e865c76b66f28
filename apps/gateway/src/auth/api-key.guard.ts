import { DomainError, ErrorCode } from '@docsession/contracts';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { presentedCredential } from './tenant';
import { VerifiedKeys } from './verified-keys';

/**
 * Tenant auth on `/v1/*`: `Authorization: Bearer <api_key>` or `X-API-Key`. The gateway checks
 * the key before the body is read (authenticate-before-body.ts); this guard then finds the
 * tenant set, and checks the key itself only where that step did not run.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: VerifiedKeys) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (req.tenantId) return true;
    const key = presentedCredential(req);
    if (!key) throw new DomainError(ErrorCode.Unauthorized, 'Missing API key: send Authorization: Bearer <api_key>.');
    await authenticate(this.keys, req, key);
    return true;
  }
}

/** Sets `req.tenantId` to the tenant of an API key; 401 for an unknown or revoked key. */
export async function authenticate(keys: VerifiedKeys, req: FastifyRequest, key: string): Promise<void> {
  let tenantId: string | null;
  try {
    tenantId = await keys.tenantOf(key);
  } catch {
    throw new DomainError(ErrorCode.Unavailable, 'Cannot check the API key right now.');
  }
  if (!tenantId) throw new DomainError(ErrorCode.Unauthorized, 'Unknown or revoked API key.');
  req.tenantId = tenantId;
}
