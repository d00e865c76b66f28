import { DomainError, ErrorCode } from '@docsession/contracts';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { presentedCredential } from './tenant';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Operator routes (`/v1/admin/*`): the ADMIN_TOKEN, compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) adminToken: string) {
    this.expected = digest(adminToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    this.check(ctx.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /** Throws 401 unless the request presents the admin token (also run before the body, see authenticate-before-body.ts). */
  check(req: FastifyRequest): void {
    const presented = presentedCredential(req);
    if (!presented || !timingSafeEqual(digest(presented), this.expected)) {
      throw new DomainError(ErrorCode.Unauthorized, 'Missing or wrong admin token.');
    }
  }
}
