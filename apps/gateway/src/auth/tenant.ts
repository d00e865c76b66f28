import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ApiKeyGuard: the tenant whose key authenticated the request. */
    tenantId?: string;
  }
}

/** The authenticated tenant's id (routes behind ApiKeyGuard only). */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<FastifyRequest>().tenantId;
  if (!tenantId) throw new Error('TenantId used on a route without ApiKeyGuard');
  return tenantId;
});

/** The bearer token or X-API-Key of a request, if any. */
export function presentedCredential(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match ? match[1] : null;
  }
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key ? key : null;
}
