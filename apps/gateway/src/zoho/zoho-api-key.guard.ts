import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/api-key.guard';
import { VerifiedKeys } from '../auth/verified-keys';
import { ZohoFailure } from './zoho-errors';

/**
 * Tenant auth on the Zoho routes: a docsession API key in the `apikey` query parameter,
 * where Zoho's SDKs put it. Checked before the body is read.
 */
@Injectable()
export class ZohoApiKeyGuard implements CanActivate {
  constructor(private readonly keys: VerifiedKeys) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const key = apiKeyParameter(req);
    if (!key) throw new ZohoFailure('missingParameter', 'apikey');
    await authenticate(this.keys, req, key);
    return true;
  }
}

/** The `apikey` query parameter; repeated, it is refused rather than guessed at. */
function apiKeyParameter(req: FastifyRequest): string | null {
  const value = (req.query as Record<string, unknown> | undefined)?.apikey;
  if (Array.isArray(value)) throw new ZohoFailure('invalidApiKey', 'apikey');
  return typeof value === 'string' && value ? value : null;
}
